"""Sources: the documents of a study, their canonical text, and the quotes anchored in them."""
