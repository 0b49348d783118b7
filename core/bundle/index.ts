// Air-gapped transfer: one signed file with every image (create), verified and loaded into a
// mirror (push), listed (inspect).
export { type CreateOptions, type CreateResult, createBundle } from './create.js';
export { type BundleImage, type BundleIndex, coreTarget, defaultCoreLayoutDir } from './format.js';
export { readImageList } from './image-list.js';
export { type Inspection, inspectBundle } from './inspect.js';
export { LockFile, readLock, updateLock } from './lock.js';
export { formatBytes } from './progress.js';
export { type PushOptions, type PushReport, pushBundle } from './push.js';
