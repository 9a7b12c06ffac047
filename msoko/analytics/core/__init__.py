"""Pure analytical core: Polars frames in, frames out. Must never import Django.

Modules:
- `indicator_values`: indicator values from data element values;
- `settings`: the documented, validated options of the ШНОР / ШНСУ identification;
- `normalise`: direction-aware normalisation of indicator values within a group;
- `index`: partial indices (multidimensional average), ranking and the cut-off with ties;
- `shnor`: the three stages of seed 000 §33 plus resilient schools;
- `typology`: the six types of low-result schools from 0/1 scores of condition indicators;
- `io`: reading the long csv/xlsx input with row/column messages, writing result.json / result.xlsx.
"""
