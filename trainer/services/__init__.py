"""Services: every rule of the product, as plain functions over content and storage models.

The CLI, the UI and the tests all call these; nothing here imports the UI.
"""
