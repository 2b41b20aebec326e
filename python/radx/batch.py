# SPDX-License-Identifier: BSD-3-Clause
"""Cohorts from Python: extract_batch (PyRadiomics' batch CSV, or a table of cases, in parallel)
and delta (follow-up minus baseline per ID), with the CLI's rules (`radx batch`, `radx delta`)."""
import collections
import concurrent.futures
import csv
import math
import os
import re
import warnings

from .featureextractor import RadiomicsFeatureExtractor

_FEATURE = re.compile(r'^[^_]+_(firstorder|glcm|gldm|glrlm|glszm|ngtdm|shape|shape2D)_.+$')


def _read_cases(cases):
    """(rows as ordered dicts, the folder relative paths resolve against)."""
    if isinstance(cases, (str, os.PathLike)):
        path = os.fspath(cases)
        with open(path, newline='') as f:
            rows = [collections.OrderedDict(r) for r in csv.DictReader(f)]
        return rows, os.path.dirname(os.path.abspath(path))
    if hasattr(cases, 'to_dict') and hasattr(cases, 'columns'):  # a pandas DataFrame
        return [collections.OrderedDict(r) for r in cases.to_dict('records')], os.getcwd()
    return [collections.OrderedDict(r) for r in cases], os.getcwd()


def _present(v):
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip() != ''


def _table(rows):
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)


def extract_batch(cases, params=None, jobs=1, device='auto', on_error='warn', **settings):
    """Extracts every case of a cohort, `jobs` at a time (threads: the engine runs without the GIL).

    cases: a PyRadiomics batch CSV (columns Image and Mask, optional Label and Label_channel;
    relative paths resolve against the CSV's folder), a pandas DataFrame with those columns, or
    an iterable of such mappings.  params: a parameter file or dict (as RadiomicsFeatureExtractor);
    settings override it.  Every row gives its columns, then the case's diagnostics and features.
    A case that fails is left out with a warning (on_error='warn') naming the row and the
    engine's message, or raises (on_error='raise').  Returns a pandas DataFrame (when pandas is
    importable; else a list of ordered dicts), whose attrs['errors'] lists (row, message) of the
    failed cases."""
    if on_error not in ('warn', 'raise'):
        raise ValueError("radx: on_error must be 'warn' or 'raise'")
    rows, base = _read_cases(cases)
    for i, r in enumerate(rows):
        if not _present(r.get('Image')) or not _present(r.get('Mask')):
            raise ValueError('radx: cohort row %d has no Image or Mask' % (i + 1))
    jobs = max(1, int(jobs))
    threads = max(1, (os.cpu_count() or 1) // jobs)
    args = (params,) if params is not None else ()
    extractor = RadiomicsFeatureExtractor(*args, device=device, threads=threads, **settings)

    def one(row):
        image, mask = (os.path.join(base, os.path.expanduser(str(row[k]))) for k in ('Image', 'Mask'))
        label = int(float(row['Label'])) if _present(row.get('Label')) else None
        channel = int(float(row['Label_channel'])) if _present(row.get('Label_channel')) else None
        return extractor.execute(image, mask, label=label, label_channel=channel)

    out, errors = [], []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(one, r) for r in rows]
        for i, (row, fut) in enumerate(zip(rows, futures)):
            try:
                result = fut.result()
            except Exception as e:  # the case fails, the cohort goes on
                if on_error == 'raise':
                    for f in futures:
                        f.cancel()  # the cases not started yet
                    raise
                errors.append((i + 1, str(e)))
                warnings.warn('radx: cohort row %d (%s) failed: %s' % (i + 1, row.get('Image'), e), stacklevel=2)
                continue
            merged = collections.OrderedDict(row)
            merged.update(result)
            out.append(merged)
    table = _table(out)
    if hasattr(table, 'attrs'):
        table.attrs['errors'] = errors
    return table


def delta(baseline, followup, id_columns, relative=False):
    """Follow-up minus baseline (relative=True: divided by the baseline) of every feature column
    (<imageType>_<class>_<Feature>) for every ID present in both tables (DataFrames or CSV paths,
    as extract_batch or `radx batch` writes them); id_columns: a column name or a list.  IDs in one
    table only are named in a warning; an ID given twice in a table, or a baseline feature the
    follow-up lacks, is a ValueError.  Needs pandas; returns a DataFrame (ID columns, then the
    features in the baseline's order)."""
    import pandas
    ids = [id_columns] if isinstance(id_columns, str) else list(id_columns)
    def table(t):  # IDs as text, as the CLI matches them; numbers read back exactly
        if not isinstance(t, (str, os.PathLike)):
            return t.astype({c: str for c in ids if c in t.columns})
        return pandas.read_csv(t, float_precision='round_trip', dtype={c: str for c in ids}, keep_default_na=False,
                               na_values=[''])

    a, b = table(baseline), table(followup)
    for name, t in (('baseline', a), ('follow-up', b)):
        missing = [c for c in ids if c not in t.columns]
        if missing:
            raise ValueError('radx delta: the %s has no column %s' % (name, missing[0]))
        dup = t.duplicated(ids)
        if dup.any():
            raise ValueError('radx delta: ID %s appears more than once in the %s'
                             % (tuple(t.loc[dup, ids].iloc[0]), name))
    feats = [c for c in a.columns if _FEATURE.match(str(c))]
    lacking = [c for c in feats if c not in b.columns]
    if lacking:
        raise ValueError('radx delta: the follow-up has no column %s' % lacking[0])
    extra = [c for c in b.columns if _FEATURE.match(str(c)) and c not in a.columns]
    if extra:
        raise ValueError('radx delta: the baseline has no column %s' % extra[0])
    both = a[ids].merge(b[ids], on=ids, how='outer', indicator=True)
    only = both[both['_merge'] != 'both']
    if len(only):
        warnings.warn('radx delta: %d ID(s) in one table only: %s' % (len(only), ', '.join(
            str(tuple(r)) for r in only[ids].head(20).itertuples(index=False))), stacklevel=2)
    m = a[ids + feats].merge(b[ids + feats], on=ids, how='inner', suffixes=('@b', '@f'))  # the baseline's order
    cols = {c: m[c] for c in ids}
    for c in feats:
        base, fu = pandas.to_numeric(m[c + '@b'], errors='coerce'), pandas.to_numeric(m[c + '@f'], errors='coerce')
        cols[c] = (fu - base) / base if relative else fu - base
    return pandas.DataFrame(cols).reset_index(drop=True)
