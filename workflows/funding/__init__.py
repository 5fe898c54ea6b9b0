"""The funding file of a labelled place for one year: proposed by the rules, adjusted with a
reason, signed by a signataire who is not the proposer (the `decision_financement` PDF), then
paid in one or several payments, each ordered then paid. Its transition table is
`workflows.funding.lifecycle`; rates, funders and envelopes are data of `labelling.funding`."""
