import type { ObservedEndpoint } from '../functions/core/model.ts';
import type { EndpointSource } from '../functions/core/ports.ts';

/**
 * Which endpoints a run's source handed to the core ("listed": what EC2's filters let through) and which of those it
 * read deeply (DNS names interpreted, subnets resolved to AZ ids). Endpoints no mapping selects come back as listed,
 * without names, so the difference is what brownfield skipping saves.
 */
export class EndpointReads {
  readonly #listed = new Set<string>();
  readonly #deep = new Set<string>();
  readonly source: EndpointSource;

  constructor(inner: EndpointSource) {
    const note = (endpoint: ObservedEndpoint) => {
      this.#listed.add(endpoint.id);
      const deep =
        endpoint.regional.length > 0 || Object.keys(endpoint.zonal).length > 0 || endpoint.unreadable !== undefined;
      if (deep) this.#deep.add(endpoint.id);
    };
    this.source = {
      getEndpoint: async (id, signal) => {
        const endpoint = await inner.getEndpoint(id, signal);
        if (endpoint) note(endpoint);
        return endpoint;
      },
      listEndpoints: async (scope, signal) => {
        const endpoints = await inner.listEndpoints(scope, signal);
        for (const endpoint of endpoints) note(endpoint);
        return endpoints;
      },
    };
    const pages = inner.listEndpointPages?.bind(inner);
    if (pages) {
      this.source.listEndpointPages = async function* (scope, signal, from) {
        for await (const page of pages(scope, signal, from)) {
          for (const endpoint of page.endpoints) note(endpoint);
          yield page;
        }
      };
    }
  }

  /** The figures so far, and a fresh start for the next run. */
  take(): { listed: number; deep: number } {
    const figures = { listed: this.#listed.size, deep: this.#deep.size };
    this.#listed.clear();
    this.#deep.clear();
    return figures;
  }
}
