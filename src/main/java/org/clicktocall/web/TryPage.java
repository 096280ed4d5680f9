package org.clicktocall.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** /try: the small CRM-like page that shows the widget working (static/try.html; needs demo mode or a token). */
@Configuration
public class TryPage implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/try").setViewName("forward:/try.html");
    }
}
