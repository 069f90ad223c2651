import { queueContract } from '../contracts/queue.contract.js';
import { PG_SKIP_REASON } from '../helpers/stores.js';

queueContract('postgres', PG_SKIP_REASON);
