"""What telconf writes besides plans: exports (and their templates), the editor
modeline and schema copy, and apply reports."""
