#!/usr/bin/env bash
# Every program's --help, man page and bash/zsh/fish completions must name
# the same options. Each source is read the way its format names options:
#   --help   the option column of CLI11's help ("  -i,--ip IP   ...")
#   man      .It lines of the OPTIONS section: "Fl i , Fl \-ip"
#   bash     option words, except the "complete -F" registration line
#   zsh      _arguments specs, with the [descriptions] removed
#   fish     "-s X" and "-l name" of each complete line
# It also requires each program to have all four files, and checks that they
# parse (bash -n, zsh -n, fish -n) when those shells are installed.
#
# The README shows only the most useful commands (the man pages have every
# option), so it is checked the other way round: each program has its own
# "## PROGRAM" section, and the README never names an option the program
# lacks: not in its section, not on a command line that runs it (in a ```
# block or an inline `code span`), and no long option anywhere that is
# neither some program's nor make demo's (tests/support/demo.sh). The
# command lines of the man pages (.Ql, .Dl, literal blocks) are held to the
# same rule, and pxekit(7)'s Fl options must be some program's or the demo's.

source "$PXEKIT_SRC/tests/support/testlib.sh"
cd "$PXEKIT_SRC" || exit 1

OPTION_RE='(?<![A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*'

# A program with subcommands (CLI11's "Subcommands:" list) has options in
# each subcommand's --help too; all of them count.
help_options() {
  {
    "$PXEKIT_BIN/$1" --help
    for sub in $("$PXEKIT_BIN/$1" --help | sed -n '/^Subcommands:$/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
      "$PXEKIT_BIN/$1" "$sub" --help
    done
  } | grep -E '^ +-' | sed -E 's/^ +//; s/  .*//' | grep -oP "$OPTION_RE" | sort -u
}

man_options() {
  sed -n '/^\.Sh OPTIONS/,/^\.Sh /p' "$1" | grep '^\.It' |
    sed 's/\\-/-/g' | grep -oP '(?<=Fl )-?[A-Za-z][A-Za-z0-9-]*' | sed 's/^/-/' | sort -u
}

bash_options() {
  grep -v '^[[:space:]]*#' "$1" | grep -v 'complete -F' | grep -oP "$OPTION_RE" | sort -u
}

zsh_options() {
  grep -v '^[[:space:]]*#' "$1" | sed -E 's/\[[^]]*\]//g' | grep -oP "$OPTION_RE" | sort -u
}

fish_options() {
  grep '^complete ' "$1" | grep -oP '(?<= -s )[A-Za-z0-9]|(?<= -l )[A-Za-z0-9][A-Za-z0-9-]*' |
    awk '{ print (length($0) == 1 ? "-" : "--") $0 }' | sort -u
}

# Long options named anywhere in the README's "## TOOL" section.
readme_section_options() {
  sed -n "/^## $1\$/,/^## /p" README.md | sed '1d; $d' |
    grep -oP '(?<![A-Za-z0-9_-])--[A-Za-z][A-Za-z0-9-]*' | sort -u
}

# The README's command lines: those in ``` blocks (continuation lines
# joined), one a line.
readme_command_lines() {
  perl -e '
    my ($in, $buf) = (0, "");
    while (<STDIN>) {
      chomp;
      if (/^```/) { $in = !$in; next }
      next unless $in;
      if (s/\\$//) { $buf .= "$_ "; next }
      print $buf, $_, "\n"; $buf = "";
    }' <README.md
}

# The README's inline `code spans` outside ``` blocks, one a line (a span
# may wrap over lines of one paragraph).
readme_inline_spans() {
  perl -e '
    my ($in, $text) = (0, "");
    while (<STDIN>) {
      if (/^```/) { $in = !$in; next }
      $text .= $in ? "\n\n" : $_;
    }
    for my $para (split /\n\s*\n/, $text) {
      $para =~ s/\s*\n\s*/ /g;
      print "$1\n" while $para =~ /`([^`]+)`/g;
    }' <README.md
}

# A man page's command lines: the text of its .Ql and .Dl lines, and the
# lines of its literal blocks (continuation lines joined), unescaped.
man_command_lines() {
  perl -e '
    my ($in, $buf) = (0, "");
    while (<STDIN>) {
      chomp;
      s/\\-/-/g; s/\\&//g; s/\\\(dq/"/g; s/\\e/\\/g;
      if (/^\.Bd -literal/) { $in = 1; next }
      if (/^\.Ed/) { $in = 0; next }
      if ($in) {
        if (s/\\$//) { $buf .= "$_ "; next }
        print $buf, $_, "\n"; $buf = "";
      } elsif (s/^\.(Ql|Dl) //) {
        s/"//g;
        print "$_\n";
      }
    }' <"$1"
}

# Options given to TOOL on the command lines read from standard input: the
# words after the program's name up to the end of its command (| ; & > < or
# a # comment).
command_options() {
  perl -e '
    my ($tool) = @ARGV;
    while (<STDIN>) {
      chomp;
      s/(^|\s)#.*//;
      for my $cmd (split /[|;&<>]/) {
        my @words = split " ", $cmd;
        while (@words) {
          my $word = shift @words;
          (my $base = $word) =~ s{.*/}{};
          next unless $base eq $tool;
          for (@words) { print "$1\n" if /^(--?[A-Za-z][A-Za-z0-9-]*)/ }
          last;
        }
      }
    }' "$1" | sort -u
}

# Every long option the README names, anywhere.
readme_long_options() {
  grep -oP '(?<![A-Za-z0-9_-])--[A-Za-z][A-Za-z0-9-]*' README.md | sort -u
}

# The options of pxekit(7)'s Fl macros.
man_fl_options() {
  grep -oP '(?<=Fl )(\\)?-?[A-Za-z][A-Za-z0-9-]*' "$1" | sed 's/^\\//; s/^/-/' | sort -u
}

# make demo's options: the --long patterns of tests/support/demo.sh's case.
demo_options() {
  grep -oP '^\s+\K--[a-z][a-z0-9-]*(?=[ )|=])' tests/support/demo.sh | sort -u
}

compare() {  # compare TOOL WHAT FILE EXTRACTOR
  local tool=$1 what=$2 file=$3 extractor=$4
  if [ ! -f "$file" ]; then
    fail "$tool: $what: $file is missing"
    return
  fi
  local expected actual
  expected=$(help_options "$tool")
  actual=$($extractor "$file")
  if [ "$expected" = "$actual" ]; then
    pass "$tool: $what agrees with --help"
  else
    fail "$tool: $what ($file) disagrees with --help" \
      "$(diff <(echo "$expected") <(echo "$actual") | grep '^[<>]' |
        sed 's/^</only in --help:/; s/^>/only in '"$what"':/')"
  fi
}

all_known=""
tools=()
for dir in tools/*/; do tools+=("$(basename "$dir")"); done
[ ${#tools[@]} -gt 0 ] || fail "no tools found"

for tool in "${tools[@]}"; do
  [ -x "$PXEKIT_BIN/$tool" ] || { fail "$tool: not built"; continue; }
  man=$(ls man/"$tool".[158] 2>/dev/null | head -1)
  compare "$tool" "man page" "${man:-man/$tool.8}" man_options
  compare "$tool" "bash completion" "completions/bash/$tool" bash_options
  compare "$tool" "zsh completion" "completions/zsh/_$tool" zsh_options
  compare "$tool" "fish completion" "completions/fish/$tool.fish" fish_options
  for sh in bash zsh fish; do
    case $sh in
      bash) file=completions/bash/$tool ;;
      zsh) file=completions/zsh/_$tool ;;
      fish) file=completions/fish/$tool.fish ;;
    esac
    if ! command -v "$sh" >/dev/null; then
      echo "note: $sh is not installed; $file not syntax-checked" >&2
    elif [ -f "$file" ]; then
      check "$tool: $file parses with $sh -n" '"$sh" -n "$file"'
    fi
  done
  check "$tool: README has a '## $tool' section" 'grep -qx "## $tool" README.md'
  known=$(help_options "$tool")
  for option in $(readme_section_options "$tool"); do
    check "$tool: README section's $option is an option of $tool" \
      'grep -qx -- "$option" <<<"$known"'
  done
  for option in $(readme_command_lines | command_options "$tool"); do
    check "$tool: README command line's $option is an option of $tool" \
      'grep -qx -- "$option" <<<"$known"'
  done
  for option in $(readme_inline_spans | command_options "$tool"); do
    check "$tool: README inline command's $option is an option of $tool" \
      'grep -qx -- "$option" <<<"$known"'
  done
  for page in man/*.[1578]; do
    for option in $(man_command_lines "$page" | command_options "$tool"); do
      check "$tool: $page command's $option is an option of $tool" \
        'grep -qx -- "$option" <<<"$known"'
    done
  done
  all_known+=$'\n'$known
done

# No stale long option anywhere in the README or in pxekit(7)'s Fl: each is
# some program's, or make demo's.
all_known+=$'\n'$(demo_options)
[ -n "$(demo_options)" ] || fail "no options found in tests/support/demo.sh"
for option in $(readme_long_options); do
  check "README's $option is an option of a program or of make demo" \
    'grep -qx -- "$option" <<<"$all_known"'
done
for option in $(man_fl_options man/pxekit.7); do
  check "man/pxekit.7's Fl $option is an option of a program or of make demo" \
    'grep -qx -- "$option" <<<"$all_known"'
done

finish
