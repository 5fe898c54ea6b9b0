"""Onboarding the porteurs of the places imported from the national list: a national or
préfecture user invites the porteur, the invitee accepts with the porteur's SIRET, the
préfecture confirms the attachment. Its own Django app (label ``onboarding``) inside
`workflows`, on the same pattern as the application: a transition table (`lifecycle`),
services that lock, check, journal and notify, pages that call them."""
