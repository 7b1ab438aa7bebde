"""RDF: the model as triples (`mapping`, `ntriples`), SPARQL text and its `.rq` files
(`sparql`), provenance, the shipped ontology files (`resources`), and the guards that run before
any parser sees a caller's text (`guards`)."""
