"""The input stage: the YAML schema table, loading the page file into the model, text normalisation, 版式 templates."""
