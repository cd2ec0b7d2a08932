"""The local data file: schema, batched writer and read-only trial objects."""
