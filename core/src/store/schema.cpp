// The store's schema, one migration per version. Never edit a released migration: add the next one.
#include "store/store_db.h"

#include "lora/error.h"

#include <SQLiteCpp/Statement.h>

namespace lora::store {
namespace {

// Version 1: runs, their metrics and checkpoints.
constexpr const char* kV1 = R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('queued','running','completed','stopped','failed','interrupted')),
  model_path TEXT NOT NULL DEFAULT '',
  dataset_path TEXT NOT NULL DEFAULT '',
  config_json TEXT NOT NULL DEFAULT '{}',
  device TEXT NOT NULL DEFAULT '',
  output_dir TEXT NOT NULL DEFAULT '',
  total_params INTEGER NOT NULL DEFAULT 0,
  trainable_params INTEGER NOT NULL DEFAULT 0,
  created_at REAL NOT NULL,
  started_at REAL,
  finished_at REAL,
  train_seconds REAL NOT NULL DEFAULT 0,
  steps_done INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  final_train_loss REAL,
  final_val_loss REAL,
  best_val_loss REAL,
  best_val_step INTEGER,
  error TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT ''
);
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  name TEXT NOT NULL,
  step INTEGER NOT NULL,
  epoch REAL NOT NULL,
  tokens INTEGER NOT NULL,
  wall_seconds REAL NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, split, name, step)
) WITHOUT ROWID;
CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  path TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at REAL NOT NULL
);
CREATE INDEX checkpoints_run ON checkpoints(run_id, step);
)sql";

// Version 2: content hashes of model and data, tags, and the owning process (to find runs whose process died).
constexpr const char* kV2 = R"sql(
ALTER TABLE runs ADD COLUMN model_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN dataset_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN pid_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_status ON runs(status);
)sql";

// Version 3: the adapter library. The tensors column comes last so listing adapters never reads the bytes.
constexpr const char* kV3 = R"sql(
CREATE TABLE adapters (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  config_json TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at REAL NOT NULL,
  tensors BLOB NOT NULL
);
CREATE INDEX adapters_run ON adapters(run_id);
)sql";

// Version 4: sweeps, a grid of runs stored as one group. Each run of a sweep names it and its cell (the index into
// the grid's expansion); the owner columns find sweeps whose process died, as for runs.
constexpr const char* kV4 = R"sql(
CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('queued','running','completed','stopped','failed','interrupted')),
  grid_json TEXT NOT NULL,
  base_config_json TEXT NOT NULL,
  created_at REAL NOT NULL,
  finished_at REAL,
  error TEXT NOT NULL DEFAULT '',
  pid INTEGER NOT NULL DEFAULT 0,
  pid_start INTEGER NOT NULL DEFAULT 0,
  host TEXT NOT NULL DEFAULT ''
);
ALTER TABLE runs ADD COLUMN sweep_id INTEGER REFERENCES sweeps(id) ON DELETE SET NULL;
ALTER TABLE runs ADD COLUMN sweep_cell INTEGER;
CREATE INDEX runs_sweep ON runs(sweep_id, sweep_cell);
)sql";

}  // namespace

const char* migrationSql(int toVersion)
{
    switch (toVersion) {
    case 1: return kV1;
    case 2: return kV2;
    case 3: return kV3;
    case 4: return kV4;
    default: throw Error("run store: no migration to schema version " + std::to_string(toVersion));
    }
}

void migrate(SQLite::Database& db, int fromVersion, int toVersion)
{
    for (int v = fromVersion + 1; v <= toVersion; ++v)
        db.exec(migrationSql(v));
    // PRAGMA takes no bound parameters; the value is an int we produced.
    db.exec("PRAGMA user_version = " + std::to_string(toVersion));
}

}  // namespace lora::store
