/** The governance repositories on both stores: embedded SQLite, and a real PostgreSQL server when one is installed. */
import { onBothStores } from './both-stores.case.js';
import { governanceContract } from './governance.case.js';

onBothStores(governanceContract);
