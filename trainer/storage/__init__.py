"""Storage: records of what people do, in locked, atomically written JSON files.

`files` (safe JSON files), `records` (the pydantic models), `repositories` (TinyDB). The
package itself imports none of them: opening the data folder for the sign-in screen must not
pull in the models (see `repositories`).
"""
