//! Delegated access: what the access lists do not cover, found by the
//! review, changed in Organization Settings, widened only once confirmed in
//! words, and told in Activity.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn flow28_delegated_access_is_reviewed_changed_and_widened_only_when_confirmed() -> Result<()>
{
    launch()
        .await?
        .run("flow28-delegated-access", delegated_access)
        .await
}

/// Whether the review, read again, shows the finding `kind`.
async fn review_shows(app: &App, kind: &str) -> Result<bool> {
    app.click("nav-review").await?;
    app.find_css("[data-testid='access-review'][data-state='reviewed'][data-not-read='0']")
        .await?;
    Ok(!app
        .find_all_css(&format!("[data-testid='finding-{kind}']"))
        .await?
        .is_empty())
}

async fn delegated_access(app: &App) -> Result<()> {
    // The demo's organization lets MCP clients read and write: the review
    // finds it, with refresh tokens left to the system default.
    app.click("nav-review").await?;
    let title = app
        .wait_text("finding-mcpReadWrite-title", |title| !title.is_empty())
        .await?;
    check(
        title == "MCP delegated access is read and write",
        format!("the finding: {title}"),
    )?;
    app.find("finding-refreshTokensSystemDefault").await?;
    check(
        !review_shows(app, "partnerAccessAllowed").await?,
        "partner access is disallowed in the demo",
    )?;
    app.client()
        .execute(
            "document.querySelector(\"[data-testid='finding-mcpReadWrite']\").scrollIntoView({block: 'center'});",
            vec![],
        )
        .await?;
    app.screenshot("review-delegated-access").await?;

    // The finding leads to the setting, which says what the lists do not cover.
    app.click("finding-mcpReadWrite-open-setting").await?;
    let line = app
        .wait_text("delegated-access-not-covered", |text| !text.is_empty())
        .await?;
    check(
        line == "IP access lists and the access-list requirement do not apply to delegated access.",
        format!("the line: {line}"),
    )?;
    app.wait_select("delegated-mcp", |text| text.contains("Read and write"))
        .await?;

    // Narrowing to Read only asks nothing.
    app.choose("delegated-mcp", "Read only").await?;
    app.click("delegated-save").await?;
    app.wait_text("delegated-maximum-now", |text| {
        text == "Now the system default."
    })
    .await?;
    wait_until("the narrowing to be saved", || async {
        Ok(!review_shows(app, "mcpReadWrite").await?)
    })
    .await?;

    // Lifetimes in days and hours; an idle limit past the maximum is refused in words.
    app.click("nav-org-settings").await?;
    app.find("delegated-maximum").await?;
    app.toggle("delegated-maximum-default").await?;
    app.fill("delegated-maximum-days", "30").await?;
    app.toggle("delegated-idle-default").await?;
    app.fill("delegated-idle-days", "40").await?;
    app.click("delegated-save").await?;
    let said = app
        .wait_text("delegated-error", |text| text.contains("longer than"))
        .await?;
    check(
        said.contains("idle lifetime (40 days) is longer than the maximum lifetime (30 days)"),
        format!("what to fix: {said}"),
    )?;
    app.fill("delegated-idle-days", "7").await?;
    app.fill("delegated-idle-hours", "12").await?;
    app.click("delegated-save").await?;
    app.wait_text("delegated-maximum-now", |text| text == "Now 30 days.")
        .await?;
    app.wait_text("delegated-idle-now", |text| text == "Now 7 days 12 hours.")
        .await?;

    // Allowing partner apps widens access: it is asked first, in words.
    app.choose("delegated-partner", "Allowed (read and write)")
        .await?;
    app.click("delegated-save").await?;
    let words = app
        .wait_text("delegated-widening-partnerMayAct", |text| !text.is_empty())
        .await?;
    check(
        words.starts_with(
            "Partner apps signed in as anyone in this organization could read and change",
        ),
        format!("the words: {words}"),
    )?;
    app.screenshot("delegated-access-widen").await?;
    app.click("delegated-widen-cancel").await?;
    app.wait_gone("delegated-widen-dialog").await?;
    check(
        !review_shows(app, "partnerAccessAllowed").await?,
        "a cancelled widening changes nothing",
    )?;
    check(
        !review_shows(app, "refreshTokensSystemDefault").await?,
        "both lifetimes are set",
    )?;
    app.click("nav-org-settings").await?;
    app.choose("delegated-partner", "Allowed (read and write)")
        .await?;
    app.click("delegated-save").await?;
    app.click("delegated-widen-confirm").await?;
    app.wait_gone("delegated-widen-dialog").await?;
    app.wait_select("delegated-partner", |text| text.contains("Allowed"))
        .await?;
    app.screenshot("delegated-access").await?;
    check(
        review_shows(app, "partnerAccessAllowed").await?,
        "the review finds partner access once allowed",
    )?;

    // Activity tells each change as a sentence.
    app.click("nav-activity").await?;
    let rows = activity_rows(app, "activity-feed").await?;
    let changes: Vec<&String> = rows
        .iter()
        .take_while(|(kind, _)| kind == "ORG_DELEGATION_SETTINGS_UPDATED")
        .map(|(_, text)| text)
        .collect();
    check(
        changes.len() == 3,
        format!("narrowed, lifetimes, partner: {rows:?}"),
    )?;
    check(
        changes[0].contains("changed the organization's delegated access"),
        format!("the sentence: {}", changes[0]),
    )?;
    Ok(())
}
