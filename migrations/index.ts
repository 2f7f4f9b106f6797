// Every migration, in order. `npm run migration:generate` appends new ones here.
import { Initial1795870243738 } from './1795870243738-Initial.js';
import { Auth1795872521189 } from './1795872521189-Auth.js';
import { SearchIndexes1795873800000 } from './1795873800000-SearchIndexes.js';
export const migrations = [Initial1795870243738, Auth1795872521189, SearchIndexes1795873800000];
