"""The typed model of a realist review: records, answers, identifiers, the vocabulary."""
