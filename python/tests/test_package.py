"""The wheel's Python part without the wheel (stdlib only; `.ci/run` runs it):
the binary lookup on each OS's layout, keyword arguments as flags, CSV column types."""

import tempfile
import unittest
from pathlib import Path

from hvpat import command_line
from hvpat._find import candidates
from hvpat._frames import kind_of


class Lookup(unittest.TestCase):
    def test_a_windows_venv_has_the_exe_in_scripts(self):
        prefix = Path("C:/venv")
        found = candidates(prefix / "Lib" / "site-packages" / "hvpat", windows=True)
        self.assertEqual(found[0], prefix / "Scripts" / "hvpat.exe")

    def test_a_linux_venv_has_the_binary_in_bin(self):
        prefix = Path("/opt/venv")
        found = candidates(prefix / "lib" / "python3.11" / "site-packages" / "hvpat", windows=False)
        self.assertEqual(found[0], prefix / "bin" / "hvpat")

    def test_the_interpreters_scripts_folders_come_first(self):
        found = candidates(Path("/x/lib/python3.11/site-packages/hvpat"), False, ["/usr/local/bin", ""])
        self.assertEqual(found[0], Path("/usr/local/bin/hvpat"))
        self.assertEqual(len(found), len(set(found)))

    def test_pip_install_target_puts_bin_beside_the_package(self):
        with tempfile.TemporaryDirectory() as target:
            found = candidates(Path(target) / "hvpat", windows=False)
            self.assertIn(Path(target) / "bin" / "hvpat", found)


class Flags(unittest.TestCase):
    def test_keyword_arguments_become_flags(self):
        self.assertEqual(
            command_line(Path("a.csv"), "b.csv", as_of="2024-12-31", outputs=["institutions.csv", "patents.csv"],
                         if_changed=True, quiet=False, families=None, out=Path("out")),
            ["run", "a.csv", "b.csv", "--as-of", "2024-12-31", "--outputs", "institutions.csv,patents.csv",
             "--if-changed", "--out", "out"],
        )

    def test_a_set_is_joined_in_sorted_order(self):
        self.assertEqual(command_line(outputs={"patents.csv", "institutions.csv"}),
                         ["run", "--outputs", "institutions.csv,patents.csv"])


class ColumnTypes(unittest.TestCase):
    def test_named_columns(self):
        self.assertEqual(kind_of("patents", "filing_date", ["2015-01-01", "2015"]), "date")
        self.assertEqual(kind_of("patents", "d4_pledge", ["true", "false"]), "bool")
        self.assertEqual(kind_of("patents", "dimensions", ["0", "2"]), "u32")
        self.assertEqual(kind_of("institutions", "high_value_share", ["0.75"]), "float")
        self.assertEqual(kind_of("institutions", "institution", ["123"]), "text")

    def test_a_flag_of_patents_is_a_count_of_institutions(self):
        self.assertEqual(kind_of("institutions", "d4_pledge", ["11", "5"]), "u64")
        self.assertEqual(kind_of("institutions", "high_value", ["200"]), "u64")

    def test_counts_are_whole_unless_fractional(self):
        self.assertEqual(kind_of("institutions", "valid_inventions", ["3", "", "12"]), "u64")
        self.assertEqual(kind_of("institutions", "valid_inventions", ["3", "0.5"]), "float")
        self.assertEqual(kind_of("rejects", "line", ["2", "17"]), "u64")

    def test_quality_figures_are_floats_even_when_all_unknown(self):
        self.assertEqual(kind_of("quality", "family_offices_median", ["", ""]), "float")
        self.assertEqual(kind_of("quality", "claims_known", ["0", "3"]), "u64")
        self.assertEqual(kind_of("patents", "cited_by", ["", "4"]), "u32")
        self.assertEqual(kind_of("patents", "top10_cited", ["", "true"]), "bool")

    def test_an_unknown_column_of_words_is_text(self):
        self.assertEqual(kind_of("quality", "note", ["a", "1"]), "text")


if __name__ == "__main__":
    unittest.main()
