"""The workbench's pages, a router per noun, as `api/routes/` has for the JSON API."""
