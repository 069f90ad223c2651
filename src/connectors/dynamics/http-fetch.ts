// Moved to the shared http folder; kept so existing imports of the Dynamics connector still resolve.
export { type BoundFetch, createBoundFetch, type HttpFetch } from '../http/bound-fetch.js';
