"""Print a locust stats CSV as a Markdown table: requests, failures, p50 and p95 per page."""

import csv
import sys


def main(path):
    print("| page | requests | failures | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            print(
                f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
                f"{row['95%']} | {float(row['Max Response Time']):.0f} |"
            )


if __name__ == "__main__":
    main(sys.argv[1])
