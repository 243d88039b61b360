"""Excel input and output: the only modules that know the workbook layout."""
