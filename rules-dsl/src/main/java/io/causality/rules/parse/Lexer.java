package io.causality.rules.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits rule text into tokens. {@code #} starts a comment to the end of the line. A JSONPath
 * starts with {@code $} and runs to the first blank, comma, closing parenthesis or brace outside
 * its brackets, so {@code $.properties.products[?(@.price > 100)].sku} is one token.
 */
final class Lexer {
    private final String file;
    private final String text;
    private int pos;
    private int line = 1;
    private int lineStart;

    Lexer(String file, String text) {
        this.file = file;
        this.text = text;
    }

    List<Token> tokens() throws RuleSyntaxException {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipBlanksAndComments();
            if (pos >= text.length()) {
                out.add(new Token(Token.Kind.EOF, "", line, column()));
                return out;
            }
            out.add(next());
        }
    }

    private int column() {
        return pos - lineStart + 1;
    }

    private void skipBlanksAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private Token next() throws RuleSyntaxException {
        int startLine = line;
        int startColumn = column();
        char c = text.charAt(pos);
        if (c == '"') {
            return new Token(Token.Kind.STRING, string(), startLine, startColumn);
        }
        if (c == '$') {
            return new Token(Token.Kind.PATH, path(), startLine, startColumn);
        }
        if (c == '@') {
            pos++;
            String word = word();
            if (word.isEmpty()) {
                throw error(startLine, startColumn, "expected a name after '@', such as @key");
            }
            return new Token(Token.Kind.FACT, word, startLine, startColumn);
        }
        if (Character.isDigit(c)
                || (c == '-'
                        && pos + 1 < text.length()
                        && Character.isDigit(text.charAt(pos + 1)))) {
            return number(startLine, startColumn);
        }
        if (Character.isLetter(c) || c == '_') {
            return new Token(Token.Kind.WORD, word(), startLine, startColumn);
        }
        for (String op : new String[] {"==", "!=", ">=", "<=", ">", "<"}) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return new Token(Token.Kind.OPERATOR, op, startLine, startColumn);
            }
        }
        if ("()[]{},:".indexOf(c) >= 0) {
            pos++;
            return new Token(Token.Kind.PUNCT, String.valueOf(c), startLine, startColumn);
        }
        if (c == '=') {
            throw error(startLine, startColumn, "unexpected '='; comparisons use '=='");
        }
        throw error(startLine, startColumn, "unexpected character '" + c + "'");
    }

    private String word() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
                pos++;
            } else {
                break;
            }
        }
        return text.substring(start, pos);
    }

    private Token number(int startLine, int startColumn) throws RuleSyntaxException {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos + 1 < text.length()
                && text.charAt(pos) == '.'
                && Character.isDigit(text.charAt(pos + 1))) {
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int mark = pos;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = mark;
            }
        }
        String number = text.substring(start, pos);
        if (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            // A duration: 30m, 7d, 500ms.
            String unit = word();
            if (!Durations.UNITS.containsKey(unit)
                    || number.contains(".")
                    || number.startsWith("-")) {
                throw error(
                        startLine,
                        startColumn,
                        "'"
                                + number
                                + unit
                                + "' is not a duration; write a whole number and one of ms, s, m, h, d (e.g. 30m)");
            }
            return new Token(Token.Kind.DURATION, number + unit, startLine, startColumn);
        }
        return new Token(Token.Kind.NUMBER, number, startLine, startColumn);
    }

    private String string() throws RuleSyntaxException {
        int startLine = line;
        int startColumn = column();
        pos++;
        StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\n') {
                break;
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error(line, column(), "\\u needs four hex digits");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error(line, column(), "\\u needs four hex digits");
                        }
                        pos += 4;
                    }
                    default ->
                            throw error(
                                    line,
                                    column() - 2,
                                    "unknown escape '\\"
                                            + e
                                            + "' (use \\\", \\\\, \\n, \\t or \\uXXXX)");
                }
            } else {
                out.append(c);
            }
        }
        throw error(
                startLine,
                startColumn,
                "string not closed: expected '\"' before the end of the line");
    }

    /** {@code $}, an optional step alias, then JSONPath segments; brackets may hold anything. */
    private String path() throws RuleSyntaxException {
        int startLine = line;
        int startColumn = column();
        int start = pos;
        pos++;
        int depth = 0;
        char quote = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (quote != 0) {
                if (c == '\\') {
                    pos++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || (c == '"' && depth > 0)) {
                quote = c;
            } else if (c == '[' || (c == '(' && depth > 0)) {
                depth++;
            } else if (c == ']' || (c == ')' && depth > 0)) {
                depth--;
            } else if (depth == 0
                    && (Character.isWhitespace(c)
                            || c == ','
                            || c == ')'
                            || c == '}'
                            || c == ':')) {
                break;
            } else if (c == '\n') {
                break;
            }
            pos++;
        }
        if (depth != 0 || quote != 0) {
            throw error(startLine, startColumn, "path not closed: a '[' or quote has no partner");
        }
        return text.substring(start, pos);
    }

    private RuleSyntaxException error(int line, int column, String message) {
        return new RuleSyntaxException(file, line, column, message);
    }
}
