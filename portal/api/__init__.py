"""The REST API (/api/v1/): the same selectors, services and access rules as the pages."""
