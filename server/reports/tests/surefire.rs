//! Maven Surefire's JUnit dialect. There is no Java fixture project, so this is the one
//! hand-written valid report: a `TEST-<class>.xml` as Surefire 3 writes it (schema
//! `surefire-test-report-3.0.xsd`), with a failure, an error, a skip, a flaky test
//! (`<flakyFailure>` with `<stackTrace>` and its own `<system-out>`) and a test that failed
//! every rerun (`<failure>` then `<rerunFailure>` and `<rerunError>`), CDATA text and
//! properties.

mod common;

use common::parse_str;
use reports::{Format, Status, failure_locations};

const REPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" name="com.example.shop.PricingTest" time="1,204.087" tests="6" errors="1" skipped="1" failures="2">
  <properties>
    <property name="java.version" value="17.0.9"/>
    <property name="surefire.test.class.path" value="/home/ci/shop/target/test-classes:/home/ci/shop/target/classes"/>
    <property name="file.encoding" value="UTF-8"/>
  </properties>
  <testcase name="lineTotalMultiplies" classname="com.example.shop.PricingTest" time="0.004"/>
  <testcase name="flakyWhenEnvSet" classname="com.example.shop.PricingTest" time="0.012">
    <failure message="FLAKY_FAIL=1 makes this test fail ==&gt; expected: &lt;false&gt; but was: &lt;true&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: FLAKY_FAIL=1 makes this test fail ==> expected: <false> but was: <true>
	at org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)
	at org.junit.jupiter.api.Assertions.assertFalse(Assertions.java:231)
	at com.example.shop.PricingTest.flakyWhenEnvSet(PricingTest.java:56)
]]></failure>
    <system-out><![CDATA[checking FLAKY_FAIL
]]></system-out>
    <system-err><![CDATA[WARNING: 价格 💶
]]></system-err>
  </testcase>
  <testcase name="parsesItem" classname="com.example.shop.PricingTest" time="0.001">
    <error message="For input string: &quot;x&quot;" type="java.lang.NumberFormatException"><![CDATA[java.lang.NumberFormatException: For input string: "x"
	at java.base/java.lang.Integer.parseInt(Integer.java:662)
	at com.example.shop.Cart.parseItem(Cart.java:31)
	at com.example.shop.PricingTest.parsesItem(PricingTest.java:40)
]]></error>
  </testcase>
  <testcase name="needsGateway" classname="com.example.shop.PricingTest" time="0">
    <skipped message="needs a real payment gateway"/>
  </testcase>
  <testcase name="passesOnRetry" classname="com.example.shop.PricingTest" time="0.003">
    <flakyFailure message="first attempt fails" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: first attempt fails
	at com.example.shop.PricingTest.passesOnRetry(PricingTest.java:71)
]]></stackTrace>
      <system-out><![CDATA[attempt 1
]]></system-out>
    </flakyFailure>
  </testcase>
  <testcase name="failsEveryTime" classname="com.example.shop.PricingTest" time="0.002">
    <failure message="always" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: always
	at com.example.shop.PricingTest.failsEveryTime(PricingTest.java:80)
]]></failure>
    <rerunFailure message="always" type="java.lang.AssertionError">
      <stackTrace><![CDATA[java.lang.AssertionError: always
	at com.example.shop.PricingTest.failsEveryTime(PricingTest.java:80)
]]></stackTrace>
    </rerunFailure>
    <rerunError type="java.lang.IllegalStateException">
      <stackTrace><![CDATA[java.lang.IllegalStateException: no database
	at com.example.shop.PricingTest.setUp(PricingTest.java:20)
]]></stackTrace>
    </rerunError>
  </testcase>
</testsuite>
"#;

#[test]
fn surefire_report() {
    assert_eq!(reports::detect(REPORT.as_bytes()), Ok(Format::JUnit));
    let (summary, sink) = parse_str(Format::JUnit, REPORT.as_bytes()).unwrap();
    assert_eq!(summary.tool.as_deref(), Some("surefire"));
    assert_eq!(summary.tests, 6);
    let statuses: Vec<_> = sink
        .tests
        .iter()
        .map(|t| (t.name.as_str(), t.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("lineTotalMultiplies", Status::Passed),
            ("flakyWhenEnvSet", Status::Failed),
            ("parsesItem", Status::Errored),
            ("needsGateway", Status::Skipped),
            ("passesOnRetry", Status::Passed),
            ("failsEveryTime", Status::Failed),
        ]
    );
    for t in &sink.tests {
        assert_eq!(t.suites, ["com.example.shop.PricingTest"]);
        assert_eq!(t.classname.as_deref(), Some("com.example.shop.PricingTest"));
    }

    let failed = sink.test("flakyWhenEnvSet");
    assert_eq!(failed.duration_s, Some(0.012));
    assert_eq!(
        failed.message.as_deref(),
        Some("FLAKY_FAIL=1 makes this test fail ==> expected: <false> but was: <true>")
    );
    let details = failed.details.as_deref().unwrap();
    assert!(details.starts_with("org.opentest4j.AssertionFailedError: FLAKY_FAIL=1"));
    assert_eq!(
        failure_locations(details).last(),
        Some(&("PricingTest.java".to_owned(), 56))
    );
    assert_eq!(
        failed.output.as_deref(),
        Some("checking FLAKY_FAIL\nWARNING: 价格 💶")
    );

    let errored = sink.test("parsesItem");
    assert_eq!(errored.message.as_deref(), Some("For input string: \"x\""));
    assert_eq!(
        sink.test("needsGateway").message.as_deref(),
        Some("needs a real payment gateway")
    );

    let flaky = sink.test("passesOnRetry");
    assert_eq!(flaky.failed_attempts.len(), 1);
    let attempt = &flaky.failed_attempts[0];
    assert_eq!(attempt.status, Status::Failed);
    assert_eq!(attempt.message.as_deref(), Some("first attempt fails"));
    // The stack trace is the attempt's details; its own system-out is not.
    assert_eq!(
        attempt.details.as_deref(),
        Some(
            "org.opentest4j.AssertionFailedError: first attempt fails\n\tat com.example.shop.PricingTest.passesOnRetry(PricingTest.java:71)"
        )
    );
    assert_eq!(flaky.output, None);

    let always = sink.test("failsEveryTime");
    let attempts: Vec<_> = always
        .failed_attempts
        .iter()
        .map(|a| (a.status, a.message.as_deref()))
        .collect();
    // A rerun without a message attribute takes the first line of its stack trace.
    assert_eq!(
        attempts,
        [
            (Status::Failed, Some("always")),
            (
                Status::Errored,
                Some("java.lang.IllegalStateException: no database")
            ),
        ]
    );
}
