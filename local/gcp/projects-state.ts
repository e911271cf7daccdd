import { LocalGoogleError } from './google-errors.ts';

/**
 * The projects the local Resource Manager knows: id ↔ number. Audit-log entries may name a project by number
 * (`projects/318273645091/…` in `resourceName`) where the Compute and Cloud DNS APIs use the id; this is where a
 * caller can translate one into the other, as `projects.get` does on the real API
 * (https://cloud.google.com/resource-manager/reference/rest/v3/projects/get: `name` is `projects/{number}`; the
 * project id is accepted in its place).
 */
export interface StoredProject {
  readonly projectId: string;
  readonly projectNumber: string;
}

export class ProjectsState {
  readonly #projects: StoredProject[] = [];

  add(project: StoredProject): void {
    if (!/^\d+$/.test(project.projectNumber)) throw new Error(`not a project number: ${project.projectNumber}`);
    this.#projects.push(project);
  }

  /** The project by id or number; 403 as Resource Manager answers for a project that is missing or not visible. */
  get(idOrNumber: string): StoredProject {
    const project = this.#projects.find(
      (candidate) => candidate.projectId === idOrNumber || candidate.projectNumber === idOrNumber,
    );
    if (!project) {
      throw new LocalGoogleError(
        403,
        'forbidden',
        `Permission 'resourcemanager.projects.get' denied on resource 'projects/${idOrNumber}' (or it may not exist).`,
      );
    }
    return project;
  }
}

/** `projects.get` (v3) body. */
export function projectView(project: StoredProject): Record<string, unknown> {
  return {
    name: `projects/${project.projectNumber}`,
    parent: 'organizations/123456789012',
    projectId: project.projectId,
    state: 'ACTIVE',
    displayName: project.projectId,
    createTime: '2025-01-14T10:02:11.000Z',
    etag: 'W/"local"',
  };
}
