/** The experiment store of `mlforge forge`: SQLite (WAL) rows plus crash-safe artifact files. */
export {
  Store, STORE_FILE, type StoreOptions,
} from './store.js';
export {
  putArtifact, verifyArtifacts, removeTempFiles, writeFileAtomic, placePath, hashPath, hashFile,
  type PutArtifact, type ArtifactProblem, type ContentHash,
} from './artifacts.js';
export {
  SCHEMA_VERSION, canonicalJson, trialKey,
  RunStatus, TrialStatus, NewRun, NewTrial, TrialMetrics, NewArtifact,
  RunRow, RunSummary, TrialRow, ResultRow, MetricRow, EventRow, ArtifactRow,
} from './schema.js';
