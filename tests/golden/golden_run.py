"""What the golden scripts of this directory share: one `vanban extract` run
over a list of scans."""
import json
import subprocess


def extract_records(vanban, scans):
    """The records of `vanban extract --jobs 2 SCAN...`, one per scan, or None
    (after saying why) when vanban gave another number of records."""
    out = subprocess.run([vanban, "extract", "--jobs", "2", *scans], capture_output=True,
                         text=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    records = [json.loads(line) for line in out.stdout.splitlines()]
    if len(records) != len(scans):
        print(f"FAIL: {len(records)} records for {len(scans)} inputs; stderr:\n{out.stderr}")
        return None
    return records
