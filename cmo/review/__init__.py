"""One review's resources: reviews, CMOcs, concepts, studies, theories, the names that resolve
labels, tokens, the review index, SHACL validation and linked data."""
