"""The database side of the conformity engine (which stays pure, in ``labelling.conformity``):
``store`` turns stored versions into specs and keeps checks as reports, ``publishing`` drafts
and publishes new versions of the cahier des charges."""
