"""The realist questions: the context × mechanism matrix, mechanisms for a context, contexts for
a mechanism, evidence trails, chains, patterns, contradictions, statistics."""
