import { queueContract } from '../contracts/queue.contract.js';

queueContract('sqlite');
