"""Funding rules as data (rates by year, funders, envelopes): `rules` (pure arithmetic),
`selectors` (read), `services` (write). The funding files' lifecycle is `workflows.funding`."""
