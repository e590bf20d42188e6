"""The GS1 kernel: identification keys, Digital Link, EPC URNs and binary encodings, canonical JSON.

Pure Python (imports no Django and no app of this project): every app that reads or writes a GS1 key uses
these modules and no copy of their logic. See README.md in this folder for the standards each module follows.
"""
