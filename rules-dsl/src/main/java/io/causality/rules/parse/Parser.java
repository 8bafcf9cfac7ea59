package io.causality.rules.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.causality.rules.Action;
import io.causality.rules.Condition;
import io.causality.rules.Detector;
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
        if (peek().isWord("detector")) {
            return detector();
        }
        Token start =
                expectWord(
                        "rule",
                        "a rule, starting with 'rule \"name\"', or a detector, starting with"
                                + " 'detector \"name\"'");
        String name = expect(Token.Kind.STRING, "the rule's name in quotes").text();
        List<String> apps = apps();
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
        Rule rule = new Rule(name, apps, trigger, actions("rule"));
        mark(rule, start);
        return rule;
    }

    // [ "for" "app" STRING { "," STRING } ]
    private List<String> apps() throws RuleSyntaxException {
        List<String> apps = new ArrayList<>();
        if (acceptWord("for")) {
            expectWord("app", "'app' after 'for' (for app \"my-app\")");
            do {
                apps.add(expect(Token.Kind.STRING, "an app id in quotes").text());
            } while (acceptPunct(","));
        }
        return apps;
    }

    // action { "and" action } "end"
    private List<Action> actions(String what) throws RuleSyntaxException {
        List<Action> actions = new ArrayList<>();
        do {
            actions.add(action());
        } while (acceptWord("and"));
        expectWord("end", "'and' another action, or 'end' to close the " + what);
        return actions;
    }

    // detector = "detector" STRING [ "for" "app" STRING { "," STRING } ]
    //            "measure" measure [ "group" "by" PATH { "," PATH } [ "limit" NUMBER ] ]
    //            "window" DURATION [ "every" DURATION ] [ "lateness" DURATION ]
    //            "alert" "when" alert [ "for" DURATION ] [ "keep" "firing" DURATION ]
    //            [ "cooldown" DURATION ] "then" action { "and" action } "end"
    private Rule detector() throws RuleSyntaxException {
        Token start = expectWord("detector", "'detector'");
        String name = expect(Token.Kind.STRING, "the detector's name in quotes").text();
        List<String> apps = apps();
        Token measureToken =
                expectWord("measure", "'measure' and what to measure, e.g. measure count of login");
        Detector.Measure measure = measure();
        mark(measure, measureToken);
        List<String> groupBy = new ArrayList<>();
        int maxGroups = Detector.DEFAULT_MAX_GROUPS;
        if (acceptWord("group")) {
            expectWord("by", "'by' after 'group' (group by $.context.os.name)");
            do {
                Token g = expect(Token.Kind.PATH, "a path to group by, e.g. $.context.os.name");
                String path = plainPath(g);
                mark(path, g);
                groupBy.add(path);
            } while (acceptPunct(","));
            if (acceptWord("limit")) {
                maxGroups = wholeNumber("the largest number of groups, e.g. limit 500");
            }
        }
        Token windowToken =
                expectWord("window", "'window' and its size, e.g. window 5m (or group by ...)");
        long window = duration();
        long slide = acceptWord("every") ? duration() : window;
        long lateness = acceptWord("lateness") ? duration() : 0;
        Token alertToken =
                expectWord("alert", "'alert when' and what is anomalous, e.g. alert when below 3");
        expectWord("when", "'when' after 'alert'");
        Detector.Alert alert = alert();
        mark(alert, alertToken);
        long pending = 0;
        long keepFiring = 0;
        long cooldown = 0;
        if (acceptWord("for")) {
            pending = duration();
        }
        if (acceptWord("keep")) {
            expectWord("firing", "'firing' after 'keep' (keep firing 5m)");
            keepFiring = duration();
        }
        if (acceptWord("cooldown")) {
            cooldown = duration();
        }
        expectWord(
                "then",
                "'then' and the detector's actions (or for, keep firing, cooldown before them)");
        Detector detector =
                new Detector(
                        measure,
                        groupBy,
                        maxGroups,
                        window,
                        slide,
                        lateness,
                        alert,
                        new Detector.Flap(pending, keepFiring, cooldown));
        mark(detector, windowToken);
        Rule rule = new Rule(name, apps, detector, actions("detector"));
        mark(rule, start);
        return rule;
    }

    // measure = "count" "of" pattern | ( "sum" | "avg" | "min" | "max" ) "of" PATH "on" pattern
    //         | "distinct" "count" "of" PATH "on" pattern | "ratio" "of" pattern "to" pattern
    private Detector.Measure measure() throws RuleSyntaxException {
        Token t = peek();
        if (acceptWord("count")) {
            expectWord("of", "'of' and the events to count (count of purchase_complete)");
            return new Detector.Measure.Count(pattern());
        }
        if (acceptWord("distinct")) {
            expectWord("count", "'count of' after 'distinct' (distinct count of $.user_id on ...)");
            expectWord("of", "'of' after 'distinct count'");
            String path = measuredPath();
            expectWord("on", "'on' and the events (distinct count of $.user_id on app_open)");
            return new Detector.Measure.DistinctCount(path, pattern());
        }
        if (acceptWord("ratio")) {
            expectWord("of", "'of' and the events counted above the line (ratio of a to b)");
            EventPattern numerator = pattern();
            expectWord("to", "'to' and the events counted below the line (ratio of a to b)");
            return new Detector.Measure.Ratio(numerator, pattern());
        }
        for (Detector.Measure.Function f : Detector.Measure.Function.values()) {
            if (acceptWord(f.word())) {
                expectWord("of", "'of' and a path (" + f.word() + " of $.properties.total on ...)");
                String path = measuredPath();
                expectWord(
                        "on",
                        "'on' and the events (" + f.word() + " of $.properties.total on purchase)");
                return new Detector.Measure.Aggregate(f, path, pattern());
            }
        }
        throw unexpected(t, "what to measure: count, sum, avg, min, max, distinct count or ratio");
    }

    private String measuredPath() throws RuleSyntaxException {
        Token t = expect(Token.Kind.PATH, "the path of the value, e.g. $.properties.total");
        String path = plainPath(t);
        mark(path, t);
        return path;
    }

    // alert = ( "above" | "below" ) NUMBER
    //       | ( "rises" | "drops" | "changes" ) "by" NUMBER [ "percent" ]
    //       | "no" "data" "for" DURATION
    //       | "deviates" [ "above" | "below" ] "by" NUMBER ( "sigma" | "mad" )
    //         "over" NUMBER "windows" [ "seasonal" ( "daily" | "weekly" ) ]
    //         [ "min" "history" NUMBER ]
    private Detector.Alert alert() throws RuleSyntaxException {
        Token t = peek();
        if (acceptWord("above")) {
            return new Detector.Alert.Threshold(Detector.Alert.Direction.ABOVE, decimal());
        }
        if (acceptWord("below")) {
            return new Detector.Alert.Threshold(Detector.Alert.Direction.BELOW, decimal());
        }
        Detector.Alert.Direction change =
                acceptWord("rises")
                        ? Detector.Alert.Direction.ABOVE
                        : acceptWord("drops")
                                ? Detector.Alert.Direction.BELOW
                                : acceptWord("changes") ? Detector.Alert.Direction.EITHER : null;
        if (change != null) {
            expectWord("by", "'by' and the amount (drops by 50 percent)");
            double amount = decimal();
            return new Detector.Alert.Change(change, amount, acceptWord("percent"));
        }
        if (acceptWord("no")) {
            expectWord("data", "'data' after 'no' (no data for 10m)");
            expectWord("for", "'for' and how long (no data for 10m)");
            return new Detector.Alert.NoData(duration());
        }
        if (acceptWord("deviates")) {
            Detector.Alert.Direction direction =
                    acceptWord("above")
                            ? Detector.Alert.Direction.ABOVE
                            : acceptWord("below")
                                    ? Detector.Alert.Direction.BELOW
                                    : Detector.Alert.Direction.EITHER;
            expectWord("by", "'by' and how far (deviates by 3 sigma over 24 windows)");
            double k = decimal();
            Detector.Alert.Spread spread;
            if (acceptWord("sigma")) {
                spread = Detector.Alert.Spread.SIGMA;
            } else if (acceptWord("mad")) {
                spread = Detector.Alert.Spread.MAD;
            } else {
                throw unexpected(
                        peek(),
                        "'sigma' (standard deviations) or 'mad' (median absolute deviations)");
            }
            expectWord("over", "'over' and the baseline's length (over 24 windows)");
            int windows = wholeNumber("how many earlier windows make the baseline");
            expectWord("windows", "'windows' after the number (over 24 windows)");
            Detector.Alert.Seasonality seasonality = Detector.Alert.Seasonality.NONE;
            if (acceptWord("seasonal")) {
                if (acceptWord("daily")) {
                    seasonality = Detector.Alert.Seasonality.DAILY;
                } else if (acceptWord("weekly")) {
                    seasonality = Detector.Alert.Seasonality.WEEKLY;
                } else {
                    throw unexpected(peek(), "'daily' or 'weekly' after 'seasonal'");
                }
            }
            int minHistory = Math.min(windows, Detector.Alert.Deviation.DEFAULT_MIN_HISTORY);
            if (acceptWord("min")) {
                expectWord("history", "'history' after 'min' (min history 5)");
                minHistory = wholeNumber("how many earlier windows must be known first");
            }
            return new Detector.Alert.Deviation(
                    direction, k, spread, windows, seasonality, minHistory);
        }
        throw unexpected(
                t,
                "when to alert: above N, below N, rises|drops|changes by N [percent], no data for"
                        + " DURATION or deviates by K sigma|mad over N windows");
    }

    private long duration() throws RuleSyntaxException {
        Token t = expect(Token.Kind.DURATION, "a duration such as 30s, 5m, 1h or 7d");
        try {
            return Durations.millis(t.text());
        } catch (ArithmeticException | NumberFormatException e) {
            throw new RuleSyntaxException(
                    file, t.line(), t.column(), "duration too long: " + t.text());
        }
    }

    private double decimal() throws RuleSyntaxException {
        Token t = expect(Token.Kind.NUMBER, "a number");
        double d = Double.parseDouble(t.text());
        if (!Double.isFinite(d)) {
            throw new RuleSyntaxException(
                    file, t.line(), t.column(), "number too large: " + t.text());
        }
        return d;
    }

    private int wholeNumber(String what) throws RuleSyntaxException {
        Token t = expect(Token.Kind.NUMBER, what);
        try {
            return Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
            throw new RuleSyntaxException(
                    file, t.line(), t.column(), "a whole number is needed here, got " + t.text());
        }
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
                                                            + "; known: "
                                                            + PayloadValue.Fact.known())));
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
