"""Roles granted at a node cover the node's subtree."""
