-- provbridge store schema, version 2 (version 2 added `imports` and `derivations_by_source`).
-- One SQLite file per project (.provbridge/provbridge.db), WAL mode.
-- Ids of executions and versions are local to their trial (assigned in memory by the recorder, in
-- recording order), so parallel runs never contend for ids and a trial's rows are written in batches.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One run of a script/module, one notebook session, or one imported document.
CREATE TABLE IF NOT EXISTS trials (
    id           INTEGER PRIMARY KEY,          -- sequence number shown to users (1, 2, ...)
    uuid         TEXT NOT NULL UNIQUE,         -- global identity, used in PROV IRIs
    name         TEXT,                          -- optional user name (--name, magic, API)
    kind         TEXT NOT NULL,                 -- script | module | notebook | imported
    status       TEXT NOT NULL,                 -- running | finished | failed | interrupted | incomplete
    command      TEXT NOT NULL,                 -- JSON array: the argv as the user typed it
    main         TEXT,                          -- script path, module name or notebook path
    main_code_id INTEGER REFERENCES code(id),   -- source of the script/notebook as run
    cwd          TEXT,
    hostname     TEXT,
    user         TEXT,
    pid          INTEGER,                       -- process that records it (used to detect kills)
    granularity  INTEGER NOT NULL DEFAULT 0,    -- 0: top level only; 1: inside user functions
    started_at   TEXT NOT NULL,                 -- ISO 8601, UTC, with offset
    ended_at     TEXT,
    exit_code    INTEGER,
    exception    TEXT,                          -- "TypeName: message" of an uncaught exception
    traceback    TEXT,
    note         TEXT,
    provbridge_version TEXT NOT NULL,
    python_version     TEXT NOT NULL
);

-- Environment of a trial: kind in python | os | package | git | env | machine.
CREATE TABLE IF NOT EXISTS environment (
    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT,
    PRIMARY KEY (trial_id, kind, name)
) WITHOUT ROWID;

-- Code components with their source, stored once per distinct content (scripts, modules, cells).
CREATE TABLE IF NOT EXISTS code (
    id     INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    kind   TEXT NOT NULL,                       -- script | module | cell
    path   TEXT NOT NULL DEFAULT '',            -- file path, or '' for cells
    source TEXT NOT NULL,
    UNIQUE (sha256, kind, path)
);

-- Statements (and function definitions) of a code component; shared by every trial that ran it.
CREATE TABLE IF NOT EXISTS statements (
    id         INTEGER PRIMARY KEY,
    code_id    INTEGER NOT NULL REFERENCES code(id),
    lineno     INTEGER NOT NULL,
    col        INTEGER NOT NULL,
    end_lineno INTEGER NOT NULL,
    end_col    INTEGER NOT NULL,
    kind       TEXT NOT NULL,                   -- AST node type: Assign, Expr, For, FunctionDef, Return, ...
    scope      TEXT NOT NULL,                   -- '<module>' or the qualified name of the enclosing function
    text       TEXT NOT NULL,                   -- source text (first line, shortened)
    UNIQUE (code_id, lineno, col, kind)
);

-- Activations: the trial's main module, cell executions, statement executions, user function calls.
CREATE TABLE IF NOT EXISTS executions (
    trial_id   INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,                -- local to the trial, increasing in recording order
    parent     INTEGER,                         -- enclosing execution (NULL for the main activation)
    kind       TEXT NOT NULL,                   -- module | cell | statement | call
    stmt_id    INTEGER REFERENCES statements(id),  -- the statement (for statements; the def for calls)
    code_id    INTEGER REFERENCES code(id),     -- the code component (module file, cell source)
    name       TEXT NOT NULL,                   -- short label: function name, cell label, statement kind
    started_at REAL,                            -- POSIX seconds (UTC); NULL for statements
    ended_at   REAL,
    count      INTEGER NOT NULL DEFAULT 1,      -- > 1 when loop folding merged repeated executions
    status     TEXT,                            -- ok | error (cells and calls)
    exec_count INTEGER,                         -- notebook execution count (cells)
    cell_id    TEXT,                            -- notebook cell id, when the front end sends one
    PRIMARY KEY (trial_id, id)
) WITHOUT ROWID;

-- Entities: variable versions and file versions, in one id space per trial.
CREATE TABLE IF NOT EXISTS versions (
    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    id       INTEGER NOT NULL,                  -- local to the trial
    name     TEXT NOT NULL,                     -- variable name, or absolute path for files
    scope    TEXT NOT NULL,                     -- '<module>', function qualname, or 'file'
    kind     TEXT NOT NULL,                     -- assign | mutate | param | return | import | def | class
                                                -- | for | with | except | match | walrus | global | file
    exec_id  INTEGER,                           -- generating execution (NULL for files only read)
    type     TEXT NOT NULL,                     -- value type (qualified for non-builtins), 'file' for files
    value,                                      -- exact scalar (INTEGER/REAL/TEXT) or sha256 for files; else NULL
    repr     TEXT,                              -- short display text of the value
    summary  TEXT,                              -- JSON: len, shape, dtype, sha256, stats, params, size ...
    count    INTEGER NOT NULL DEFAULT 1,        -- > 1 when loop folding merged repeated bindings
    PRIMARY KEY (trial_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS versions_by_name ON versions (trial_id, name);

-- version `id` was derived from version `source` (both in the same trial).
CREATE TABLE IF NOT EXISTS derivations (
    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    id       INTEGER NOT NULL,
    source   INTEGER NOT NULL,
    PRIMARY KEY (trial_id, id, source)
) WITHOUT ROWID;
-- forward closures (impact) walk derivations from source to derived version
CREATE INDEX IF NOT EXISTS derivations_by_source ON derivations (trial_id, source, id);

-- execution `exec_id` used version `version_id`.
CREATE TABLE IF NOT EXISTS usages (
    trial_id   INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    exec_id    INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    PRIMARY KEY (trial_id, exec_id, version_id)
) WITHOUT ROWID;

-- File accesses through open/io.open/os.open/pathlib and the libraries built on them.
CREATE TABLE IF NOT EXISTS file_accesses (
    trial_id      INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    exec_id       INTEGER,                      -- execution that opened the file
    path          TEXT NOT NULL,                -- absolute path
    mode          TEXT NOT NULL,                -- open() mode, or os.open flags as 'r'/'w'/'a'/'r+'
    sha256_before TEXT,                         -- NULL when the file did not exist
    size_before   INTEGER,
    sha256_after  TEXT,                         -- NULL for read-only accesses or vanished files
    size_after    INTEGER,
    read_version  INTEGER,                      -- versions.id of the file version read (if any)
    write_version INTEGER,                      -- versions.id of the file version written (if any)
    at            REAL NOT NULL,                -- POSIX seconds when opened
    PRIMARY KEY (trial_id, id)
) WITHOUT ROWID;

-- Optional tags: subject_kind in trial | cell | variable | execution; subject is a name or an id.
CREATE TABLE IF NOT EXISTS tags (
    trial_id     INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    subject_kind TEXT NOT NULL,
    subject      TEXT NOT NULL,
    name         TEXT NOT NULL,                 -- e.g. stage, hyperparameter, metric, or a user key
    value        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (trial_id, subject_kind, subject, name, value)
) WITHOUT ROWID;

-- Objects saved on request, content-addressed under .provbridge/objects/.
CREATE TABLE IF NOT EXISTS artifacts (
    trial_id   INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    version_id INTEGER,
    sha256     TEXT NOT NULL,
    type       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (trial_id, name)
) WITHOUT ROWID;

-- Trials brought in from elsewhere (`provbridge import`): where each came from and the content hash of the
-- source, so that re-importing the same document or database is recognised.
CREATE TABLE IF NOT EXISTS imports (
    trial_id    INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,                  -- absolute path (or URL) of the document or database
    sha256      TEXT NOT NULL,                  -- of the source file's bytes
    format      TEXT NOT NULL,                  -- json | xml | provn | ttl | trig | nq | nt | jsonld | rdf
                                                -- | noworkflow | remote
    original    TEXT,                           -- the id of the record in its source (bundle IRI, noWorkflow
                                                -- trial id), when the source held several
    imported_at TEXT NOT NULL                   -- ISO 8601, UTC
);

-- The graph of a trial imported from a PROV document (`provbridge import`): one row per document or bundle.
-- A trial "holds a stored graph" exactly when it has a row here (noWorkflow imports use the capture tables).
CREATE TABLE IF NOT EXISTS import_graphs (
    trial_id INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
    graph    TEXT,                              -- IRI of the source's named graph (bundle); NULL: default graph
    triples  INTEGER NOT NULL,                  -- RDF triples in the graph
    prov     INTEGER NOT NULL,                  -- of which use a PROV-O predicate or class
    prefixes TEXT NOT NULL DEFAULT '{}'         -- JSON: namespace prefixes the source declared
);

-- The triples of an imported graph as N-Triples term lines ("subject predicate object", no final " ."),
-- in source order, zlib-compressed in chunks so that importing, exporting and loading stream.
CREATE TABLE IF NOT EXISTS import_chunks (
    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    lines    INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (trial_id, seq)
) WITHOUT ROWID;
