package io.algotask.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** Whether a reply topic exists, as the real broker answers, and how long an answer is trusted. */
@SpringBootTest(properties = "algotask.topics.missing-topic-recheck=500ms")
@ActiveProfiles("it")
class ReplyTopicsIT {
  @Autowired ReplyTopics replyTopics;
  @Autowired Admin admin;

  @Test
  void aMissingTopicIsRecheckedSoonAndAnExistingOneIsTrusted() throws Exception {
    var topic = "reply-topics-it." + UUID.randomUUID();
    assertThat(replyTopics.check(topic)).isEqualTo(ReplyTopics.Usability.MISSING);
    assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
        .as("asking does not create it")
        .doesNotContain(topic);

    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
    assertThat(replyTopics.check(topic))
        .as("the cached answer, a moment after")
        .isEqualTo(ReplyTopics.Usability.MISSING);

    await("the topic usable")
        .atMost(Duration.ofSeconds(10))
        .until(() -> replyTopics.check(topic), equalTo(ReplyTopics.Usability.USABLE));

    admin.deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
    assertThat(replyTopics.check(topic))
        .as("an existing topic's answer is trusted for minutes")
        .isEqualTo(ReplyTopics.Usability.USABLE);
    // the broker forgets a deleted topic a moment later
    await("unless asked afresh, as a failed publish does")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> replyTopics.checkNow(topic, Duration.ofSeconds(5)),
            equalTo(ReplyTopics.Usability.MISSING));
  }
}
