package io.causality.rules.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.causality.rules.Action;
import io.causality.rules.Condition;
import io.causality.rules.EventPattern;
import io.causality.rules.EventSelector;
import io.causality.rules.Operator;
import io.causality.rules.PayloadValue;
import io.causality.rules.Rule;
import io.causality.schemas.EventJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser of the rule language (grammar: docs/rules.md). Stops at the first error,
 * reporting file, line and column and what was expected there.
 */
public final class Parser {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String file;
    private final List<Token> tokens;
    private final SourceMap source;
    private int at;

    private Parser(String file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
        this.source = new SourceMap(file);
    }

    /**
     * @param file the name errors give (a path, or e.g. {@code <stdin>})
     */
    public static ParsedRules parse(String file, String text) throws RuleSyntaxException {
        Parser p = new Parser(file, new Lexer(file, text).tokens());
        List<Rule> rules = new ArrayList<>();
        while (p.peek().kind() != Token.Kind.EOF) {
            rules.add(p.rule());
        }
        return new ParsedRules(rules, p.source);
    }

    // rule = "rule" STRING [ "for" "app" STRING { "," STRING } ] trigger "then" action
    //        { "and" action } "end"
    private Rule rule() throws RuleSyntaxException {
        Token start = expectWord("rule", "a rule, starting with 'rule \"name\"'");
        String name = expect(Token.Kind.STRING, "the rule's name in quotes").text();
        List<String> apps = new ArrayList<>();
        if (acceptWord("for")) {
            expectWord("app", "'app' after 'for' (for app \"my-app\")");
            do {
                apps.add(expect(Token.Kind.STRING, "an app id in quotes").text());
            } while (acceptPunct(","));
        }
        Rule.Trigger trigger;
        Token t = peek();
        if (acceptWord("on")) {
            trigger = new Rule.Match(pattern());
        } else if (t.isWord("sequence")) {
            trigger = sequence();
        } else {
            throw unexpected(t, "'on <event type>' or 'sequence by <path> within <duration>'");
        }
        mark(trigger, t);
        expectWord("then", "'then' and the rule's actions");
        List<Action> actions = new ArrayList<>();
        do {
            actions.add(action());
        } while (acceptWord("and"));
        expectWord("end", "'and' another action, or 'end' to close the rule");
        Rule rule = new Rule(name, apps, trigger, actions);
        mark(rule, start);
        return rule;
    }

    // sequence = "sequence" "by" PATH "within" DURATION step { "followed" "by" step }
    //            [ "not" "followed" "by" pattern ]
    private Rule.Sequence sequence() throws RuleSyntaxException {
        expectWord("sequence", "'sequence'");
        expectWord("by", "'by' and the path of the key events are grouped by (by $.user_id)");
        Token keyToken = expect(Token.Kind.PATH, "the key's path, e.g. $.user_id");
        String key = plainPath(keyToken);
        expectWord("within", "'within' and the window, e.g. within 30m");
        Token within = expect(Token.Kind.DURATION, "a duration such as 30m, 1h or 7d");
        long millis;
        try {
            millis = Durations.millis(within.text());
        } catch (ArithmeticException | NumberFormatException e) {
            throw new RuleSyntaxException(
                    file, within.line(), within.column(), "duration too long: " + within.text());
        }
        List<Rule.Step> steps = new ArrayList<>();
        steps.add(step());
        EventPattern absent = null;
        while (true) {
            if (acceptWord("followed")) {
                expectWord("by", "'by' after 'followed'");
                steps.add(step());
            } else if (peek().isWord("not")) {
                next();
                expectWord("followed", "'followed by' after 'not'");
                expectWord("by", "'by' after 'not followed'");
                absent = pattern();
                break;
            } else {
                break;
            }
        }
        Rule.Sequence s = new Rule.Sequence(key, millis, steps, absent);
        mark(s.keyPath(), keyToken);
        return s;
    }

    // step = [ NUMBER "times" ] pattern [ "as" WORD ]
    private Rule.Step step() throws RuleSyntaxException {
        Token start = peek();
        int times = 1;
        if (start.kind() == Token.Kind.NUMBER) {
            next();
            try {
                times = Integer.parseInt(start.text());
            } catch (NumberFormatException e) {
                throw new RuleSyntaxException(
                        file,
                        start.line(),
                        start.column(),
                        "a count must be a whole number, got " + start.text());
            }
            expectWord("times", "'times' after the count (5 times login_failed)");
        }
        EventPattern event = pattern();
        String alias = null;
        if (acceptWord("as")) {
            alias = expect(Token.Kind.WORD, "a name for the step, e.g. as signup").text();
        }
        Rule.Step step = new Rule.Step(event, times, alias);
        mark(step, start);
        return step;
    }

    // pattern = selector [ "where" condition ]
    private EventPattern pattern() throws RuleSyntaxException {
        Token start = peek();
        EventSelector selector = selector();
        Condition where = null;
        if (acceptWord("where")) {
            where = condition();
        }
        EventPattern p = new EventPattern(selector, where);
        mark(p, start);
        mark(selector, start);
        return p;
    }

    // selector = "any" | "custom" [ STRING ] | WORD
    private EventSelector selector() throws RuleSyntaxException {
        Token t = peek();
        if (t.kind() != Token.Kind.WORD) {
            throw unexpected(t, "an event type (e.g. purchase_complete), custom \"name\" or any");
        }
        next();
        if (t.text().equals("any")) {
            return EventSelector.ANY_EVENT;
        }
        if (t.text().equals("custom") && peek().kind() == Token.Kind.STRING) {
            return EventSelector.custom(next().text());
        }
        return EventSelector.type(t.text());
    }

    // condition = and { "or" and }
    private Condition condition() throws RuleSyntaxException {
        Token start = peek();
        List<Condition> terms = new ArrayList<>();
        terms.add(conjunction());
        while (acceptWord("or")) {
            terms.add(conjunction());
        }
        if (terms.size() == 1) {
            return terms.get(0);
        }
        Condition c = new Condition.Or(terms);
        mark(c, start);
        return c;
    }

    // and = unary { "and" unary }
    private Condition conjunction() throws RuleSyntaxException {
        Token start = peek();
        List<Condition> terms = new ArrayList<>();
        terms.add(unary());
        while (peek().isWord("and") && !startsAction(1)) {
            next();
            terms.add(unary());
        }
        if (terms.size() == 1) {
            return terms.get(0);
        }
        Condition c = new Condition.And(terms);
        mark(c, start);
        return c;
    }

    /** "and webhook ..." continues a list of actions, not a condition. */
    private boolean startsAction(int ahead) {
        Token t = tokens.get(Math.min(at + ahead, tokens.size() - 1));
        return t.isWord("webhook") || t.isWord("emit");
    }

    // unary = "not" unary | "(" condition ")" | comparison
    private Condition unary() throws RuleSyntaxException {
        Token t = peek();
        if (t.isWord("not")) {
            next();
            Condition c = new Condition.Not(unary());
            mark(c, t);
            return c;
        }
        if (acceptPunct("(")) {
            Condition c = condition();
            expectPunct(")", "')' to close the '(' at " + t.line() + ":" + t.column());
            return c;
        }
        return comparison();
    }

    // comparison = PATH ( "exists" | OPERATOR value | "in" list | "contains" value
    //              | "matches" STRING )
    private Condition comparison() throws RuleSyntaxException {
        Token pathToken =
                expect(Token.Kind.PATH, "a JSONPath such as $.properties.total, 'not' or '('");
        String path = plainPath(pathToken);
        Token op = peek();
        Condition c;
        if (acceptWord("exists")) {
            c = new Condition.Exists(path);
        } else if (op.kind() == Token.Kind.OPERATOR) {
            next();
            c = new Condition.Compare(path, Operator.fromSymbol(op.text()).orElseThrow(), value());
        } else if (acceptWord("in")) {
            Token list = peek();
            JsonNode v = value();
            if (!v.isArray()) {
                throw unexpected(list, "a list after 'in', e.g. [\"USD\", \"EUR\"]");
            }
            c = new Condition.Compare(path, Operator.IN, v);
        } else if (acceptWord("contains")) {
            c = new Condition.Compare(path, Operator.CONTAINS, value());
        } else if (acceptWord("matches")) {
            c =
                    new Condition.Compare(
                            path,
                            Operator.MATCHES,
                            JSON.textNode(
                                    expect(Token.Kind.STRING, "a regular expression in quotes")
                                            .text()));
        } else {
            throw unexpected(
                    op,
                    "an operator after "
                            + pathToken.text()
                            + ": ==, !=, >, >=, <, <=, in, contains, matches or exists");
        }
        mark(c, pathToken);
        return c;
    }

    // value = STRING | NUMBER | "true" | "false" | "null" | "[" [ value { "," value } ] "]"
    private JsonNode value() throws RuleSyntaxException {
        Token t = next();
        switch (t.kind()) {
            case STRING:
                return JSON.textNode(t.text());
            case NUMBER:
                return number(t);
            case WORD:
                switch (t.text()) {
                    case "true":
                        return JSON.booleanNode(true);
                    case "false":
                        return JSON.booleanNode(false);
                    case "null":
                        return JSON.nullNode();
                    default:
                        break;
                }
                break;
            case PUNCT:
                if (t.text().equals("[")) {
                    ArrayNode list = JSON.arrayNode();
                    if (!acceptPunct("]")) {
                        do {
                            list.add(value());
                        } while (acceptPunct(","));
                        expectPunct("]", "',' or ']' in the list");
                    }
                    return list;
                }
                break;
            default:
                break;
        }
        throw unexpected(t, "a value: a \"string\", a number, true, false, null or a [list]");
    }

    /** As Jackson reads the same text, so that the rule's JSON form reads back equal. */
    private JsonNode number(Token t) throws RuleSyntaxException {
        try {
            return EventJson.mapper().readTree(t.text());
        } catch (java.io.IOException e) {
            throw new RuleSyntaxException(file, t.line(), t.column(), "not a number: " + t.text());
        }
    }

    // action = ( "webhook" | "emit" ) STRING [ "with" payload ]
    private Action action() throws RuleSyntaxException {
        Token t = peek();
        Action.Kind kind;
        if (acceptWord("webhook")) {
            kind = Action.Kind.WEBHOOK;
        } else if (acceptWord("emit")) {
            kind = Action.Kind.EMIT;
        } else {
            throw unexpected(t, "an action: webhook \"endpoint\" or emit \"topic\"");
        }
        String target =
                expect(
                                Token.Kind.STRING,
                                kind == Action.Kind.WEBHOOK
                                        ? "the endpoint's name in quotes"
                                        : "the topic in quotes")
                        .text();
        Map<String, PayloadValue> payload = new LinkedHashMap<>();
        if (acceptWord("with")) {
            Token open = peek();
            expectPunct("{", "'{' to start the payload");
            if (!acceptPunct("}")) {
                do {
                    Token keyToken = expect(Token.Kind.STRING, "a field name in quotes");
                    expectPunct(":", "':' after the field name");
                    if (payload.containsKey(keyToken.text())) {
                        throw new RuleSyntaxException(
                                file,
                                keyToken.line(),
                                keyToken.column(),
                                "the payload has \"" + keyToken.text() + "\" twice");
                    }
                    Token valueToken = peek();
                    PayloadValue v = payloadValue();
                    mark(v, valueToken);
                    payload.put(keyToken.text(), v);
                } while (acceptPunct(","));
                expectPunct(
                        "}",
                        "',' or '}' to close the payload opened at "
                                + open.line()
                                + ":"
                                + open.column());
            }
        }
        Action a = new Action(kind, target, payload);
        mark(a, t);
        return a;
    }

    // pvalue = value | PATH | FACT
    private PayloadValue payloadValue() throws RuleSyntaxException {
        Token t = peek();
        if (t.kind() == Token.Kind.PATH) {
            next();
            String text = t.text();
            int end = 1;
            while (end < text.length()
                    && (Character.isLetterOrDigit(text.charAt(end))
                            || text.charAt(end) == '_'
                            || text.charAt(end) == '-')) {
                end++;
            }
            String step = end > 1 ? text.substring(1, end) : null;
            return new PayloadValue.EventField(step, "$" + text.substring(end));
        }
        if (t.kind() == Token.Kind.FACT) {
            next();
            return new PayloadValue.MatchInfo(
                    PayloadValue.Fact.fromWord(t.text())
                            .orElseThrow(
                                    () ->
                                            new RuleSyntaxException(
                                                    file,
                                                    t.line(),
                                                    t.column(),
                                                    "unknown @"
                                                            + t.text()
                                                            + "; known: @key, @rule, @version, @time, @event_ids, @count")));
        }
        return new PayloadValue.Literal(value());
    }

    /** A path of the event at hand: {@code $signup.x} belongs in payloads only. */
    private String plainPath(Token t) throws RuleSyntaxException {
        String text = t.text();
        if (text.length() > 1 && text.charAt(1) != '.' && text.charAt(1) != '[') {
            throw new RuleSyntaxException(
                    file,
                    t.line(),
                    t.column(),
                    "here a path starts at the event itself: write $.field (a step's name such as "
                            + text.substring(
                                    0,
                                    Math.min(
                                            text.length(),
                                            text.indexOf('.') > 0
                                                    ? text.indexOf('.')
                                                    : text.length()))
                            + " can be used in a payload only)");
        }
        return text;
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Token.Kind.EOF) {
            at++;
        }
        return t;
    }

    private boolean acceptWord(String w) {
        if (peek().isWord(w)) {
            next();
            return true;
        }
        return false;
    }

    private boolean acceptPunct(String p) {
        if (peek().isPunct(p)) {
            next();
            return true;
        }
        return false;
    }

    private Token expectWord(String w, String what) throws RuleSyntaxException {
        if (!peek().isWord(w)) {
            throw unexpected(peek(), what);
        }
        return next();
    }

    private void expectPunct(String p, String what) throws RuleSyntaxException {
        if (!acceptPunct(p)) {
            throw unexpected(peek(), what);
        }
    }

    private Token expect(Token.Kind kind, String what) throws RuleSyntaxException {
        if (peek().kind() != kind) {
            throw unexpected(peek(), what);
        }
        return next();
    }

    private RuleSyntaxException unexpected(Token t, String expected) {
        return new RuleSyntaxException(
                file, t.line(), t.column(), "expected " + expected + ", found " + t.describe());
    }

    private void mark(Object node, Token t) {
        source.put(node, t.line(), t.column());
    }
}
