#!/usr/bin/env python3
"""check_recipes.py: runs the scheduler recipes of tests/recipes/ on this
machine, as far as it can without the schedulers.

  check_recipes.py --ccaudit BIN FIXTURES

Kubernetes (kubernetes/*.yaml) and Slurm (slurm/*.sbatch): the command line
after each "# recipe: shard" runs once per shard, all at once, with the
index the scheduler would set (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID),
then the line after "# recipe: merge"; every shard must exit 0 and the
merged review must be that of one scan of the store (report --format csv,
and report's text but for its first line). A fleet (systemd/README.md):
three hosts' stores scanned into their own databases, copied with sqlite3
.backup, merged, and merged again the next night with nothing doubled.
Standard library only; exit 0 when every recipe holds.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def recipe_line(path, name):
    """The command line after "# recipe: NAME" in a recipe file."""
    lines = open(path).read().splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "# recipe: " + name:
            command = lines[i + 1].strip()
            return command[2:] if command.startswith("- ") else command
    raise SystemExit("%s: no '# recipe: %s' line" % (path, name))


def run(command, env, what):
    r = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("%s: exit %d\n%s\n%s" % (what, r.returncode, command, r.stderr))


def review(ccaudit, db):
    out = {}
    for name, args in (("csv", ["--format", "csv"]), ("text", [])):
        r = subprocess.run([ccaudit, "report", "--db", db] + args, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("report --db %s: exit %d: %s" % (db, r.returncode, r.stderr))
        out[name] = r.stdout if name == "csv" else r.stdout.split("\n", 1)[1]
    return out


def same_review(ccaudit, merged, single, what):
    a, b = review(ccaudit, merged), review(ccaudit, single)
    for k in a:
        if a[k] != b[k]:
            raise SystemExit("%s: the merged review's %s differs from one scan's" % (what, k))


def shards_then_merge(ccaudit, env, mail, work, files, index_variable, what):
    results = os.path.join(work, what)
    os.makedirs(results)
    env = dict(env, MAIL=mail, RESULTS=results, SHARDS="4")
    shard_file, merge_file = files
    shard = recipe_line(shard_file, "shard")
    procs = []
    for i in range(4):
        e = dict(env, **{index_variable: str(i)})
        procs.append(subprocess.Popen(["/bin/sh", "-c", shard], env=e, stderr=subprocess.PIPE,
                                      text=True))
    for i, p in enumerate(procs):
        _, err = p.communicate()
        if p.returncode != 0:
            raise SystemExit("%s shard %d: exit %d\n%s\n%s" % (what, i, p.returncode, shard, err))
    run(recipe_line(merge_file, "merge"), env, what + " merge")
    single = os.path.join(work, what + "-single.db")
    subprocess.run([ccaudit, "scan", "-q", "--db", single, mail], capture_output=True)
    same_review(ccaudit, os.path.join(results, "review.db"), single, what)
    print("%s: 4 shards run at once and merged give the review of one scan" % what)


def fleet(ccaudit, env, fixtures, work):
    hosts = {"mx1": ["mbox"], "mx2": ["maildir", "maildirpp"], "mx3": ["outlook", "single"]}
    central = os.path.join(work, "central")
    os.makedirs(central)
    merged = os.path.join(central, "review.db")
    single = os.path.join(work, "fleet-single.db")
    for night in (1, 2):
        copies = []
        for host, parts in hosts.items():
            store = os.path.join(work, host, "mail")
            if night == 1:
                for part in parts:
                    shutil.copytree(os.path.join(fixtures, part), os.path.join(store, part))
            db = os.path.join(work, host, "ccaudit.db")
            subprocess.run([ccaudit, "scan", "-q", "--db", db, store], env=env, capture_output=True)
            export = os.path.join(work, host, "export.db")
            if os.path.exists(export):
                os.remove(export)
            run("sqlite3 '%s' \".backup '%s'\"" % (db, export), env, host + " backup")
            copy = os.path.join(central, host + ".db")
            shutil.copyfile(export, copy)
            copies.append(copy)
        run("ccaudit merge %s --db '%s'" % (" ".join("'%s'" % c for c in copies), merged), env,
            "fleet merge, night %d" % night)
        # One machine scanning every store each night, for comparison.
        subprocess.run([ccaudit, "scan", "-q", "--db", single] +
                       [os.path.join(work, h, "mail") for h in hosts], capture_output=True)
        same_review(ccaudit, merged, single, "fleet, night %d" % night)
    r = subprocess.run(["sqlite3", merged, "SELECT count(*) FROM merged_database"],
                       capture_output=True, text=True)
    if r.stdout.strip() != "3":
        raise SystemExit("fleet: %s databases merged after two nights, not 3" % r.stdout.strip())
    print("fleet: 3 hosts' databases, merged two nights running, give the review of one scan")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ccaudit", required=True)
    p.add_argument("fixtures")
    args = p.parse_args()
    ccaudit = os.path.abspath(args.ccaudit)
    work = tempfile.mkdtemp(prefix="ccaudit-recipes-")
    try:
        bin_dir = os.path.join(work, "bin")
        os.makedirs(bin_dir)
        os.symlink(ccaudit, os.path.join(bin_dir, "ccaudit"))
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
        mail = os.path.join(work, "mail")
        shutil.copytree(args.fixtures, mail)
        shards_then_merge(ccaudit, env, mail, work,
                          (os.path.join(HERE, "kubernetes", "ccaudit-shards.yaml"),
                           os.path.join(HERE, "kubernetes", "ccaudit-merge.yaml")),
                          "JOB_COMPLETION_INDEX", "kubernetes")
        shards_then_merge(ccaudit, env, mail, work,
                          (os.path.join(HERE, "slurm", "ccaudit-shards.sbatch"),
                           os.path.join(HERE, "slurm", "ccaudit-merge.sbatch")),
                          "SLURM_ARRAY_TASK_ID", "slurm")
        fleet(ccaudit, env, args.fixtures, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
