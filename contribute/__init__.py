"""Commands that edit the package: ``python -m contribute add-source`` and ``python -m contribute numbers``.

They read and judge the package through the validator and change nothing unless the result
is valid (apart from the numbers of a new text still to be entered).
"""
