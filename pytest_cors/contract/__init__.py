"""CORS contracts: the model, its one schema (markers, YAML, fixture) and located YAML loading."""
