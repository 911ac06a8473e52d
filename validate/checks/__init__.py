"""The checks, one module per layer, each a function over the loaded package yielding findings."""
