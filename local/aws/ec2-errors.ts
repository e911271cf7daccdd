/**
 * An EC2 API error: the code and message AWS would send, and the HTTP status (400 for client errors).
 * Codes: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
export class Ec2ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'Ec2ApiError';
    this.code = code;
    this.status = status;
  }
}
