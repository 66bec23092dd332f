// Feeds for a compiled model at a small batch, shared by the pass tests.

export { modelFeeds as seedModelFeeds } from '../../../testing/check-model';
