"""Typed models of the customs messages bondflow reads and writes.

One module per document family: ``bonded_list`` (INV101), ``gate_pass`` (SAS121),
``declaration`` (DecMessage, root version 3.1), ``receipts`` (INV2xx, SAS22x) and ``responses``
(CommonResponeMessage, DecImportResponse, DEC_RESULT). ``fields`` holds the number,
date and code types; ``codes`` the flags the engine branches on.
"""
