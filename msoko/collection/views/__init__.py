"""Pages of the «Данные» section: uploads and their history, lineage, collection campaigns."""
