"""Workflows: one explicit service per flow that spans domain apps, above them all and below the pages.

`workflows.chain` records supply-chain facts (diary, harvest, processing, packing, shipping, receiving and their
corrections) and checks the rules again on what they change; it also gives the EPCIS capture routes their step
(`CAPTURE_STEPS`: the diary projection of a partner's events). `workflows.publication` submits and publishes
lots (the rules, then the catalogue's status, then a review policy's automatic approval).
"""
