import { producibleRecords } from '../../functions/core/record-shapes.ts';

/** What the built-in layouts can produce: the producible set of a configuration without custom layouts. */
export const BUILT_IN_PRODUCIBLE = producibleRecords({ layouts: {}, zoneOverrides: {}, mappings: [] });
