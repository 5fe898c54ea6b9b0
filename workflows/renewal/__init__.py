"""The yearly renewal review of each labelled place (revue annuelle): the campaign opens one
review per place, the porteur confirms or updates its declaration, the préfecture decides
(renew, mise en demeure, suspend, abrogate). Its own Django app (label ``renewal``) inside
`workflows`, on the pattern of `workflows.fsm`: a transition table (`lifecycle`), services that
lock, check, journal and notify, pages that call them."""
