"""Places and organisations as trees of typed nodes with a materialised path."""
